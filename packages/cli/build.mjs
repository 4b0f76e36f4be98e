#!/usr/bin/env node
// Bundles the CLI and everything it imports into one file, dist/jdcast.mjs: Node then starts
// `jdcast` in about half the time (fewer files to resolve and load), which is time to air.
import { build } from 'esbuild';

await build({
	entryPoints: ['dist/bin.js'],
	outfile: 'dist/jdcast.mjs',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	sourcemap: 'linked',
	logLevel: 'warning',
	// Some bundled CommonJS dependencies call require(): give them one.
	banner: { js: "import { createRequire as __jdcastRequire } from 'node:module'; const require = __jdcastRequire(import.meta.url);" },
});
