#!/usr/bin/env node
// Compiles packages/core/src/signal/level-kernel.wat into level-kernel.wasm.ts (the bytes as
// base64), so that neither the build nor the users need a WebAssembly toolchain.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import wabtInit from 'wabt';

const folder = new URL('../packages/core/src/signal/', import.meta.url);

export async function compileKernel() {
	const wabt = await wabtInit();
	const module = wabt.parseWat('level-kernel.wat', readFileSync(new URL('level-kernel.wat', folder), 'utf8'), {
		simd: true,
	});
	module.validate();
	const { buffer } = module.toBinary({});
	module.destroy();
	const base64 = Buffer.from(buffer).toString('base64');
	return `// Generated from level-kernel.wat by scripts/build-kernel.mjs: do not edit.\nexport const LEVEL_KERNEL_WASM = '${base64}';\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href)
	writeFileSync(new URL('level-kernel.wasm.ts', folder), await compileKernel());
