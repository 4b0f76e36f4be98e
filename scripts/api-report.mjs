#!/usr/bin/env node
// The public surface, pinned: API Extractor writes one report per entry point (api/*.api.md) from
// the built .d.ts files. `--write` updates the reports; without it a report that differs fails
// (npm run lint, CI), so that an accidental export or a breaking change shows in review.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = process.argv.includes('--write');
// A subpath uses the front door's types (Profile, ControlClient…): not "forgotten" there.
const entries = [
	{ report: 'core', pkg: 'packages/core', types: 'dist/index.d.ts', front: true },
	{ report: 'core-testing', pkg: 'packages/core', types: 'dist/testing.d.ts' },
	{ report: 'core-http', pkg: 'packages/core', types: 'dist/http.d.ts' },
	{ report: 'core-jackdaw', pkg: 'packages/core', types: 'dist/jackdaw.d.ts' },
	{ report: 'core-internal', pkg: 'packages/core', types: 'dist/internal.d.ts' },
	{ report: 'jackdaw-plugin', pkg: 'packages/jackdaw-plugin', types: 'dist/index.d.ts', front: true },
];

const temp = mkdtempSync(path.join(os.tmpdir(), 'jdcast-api-'));
let failed = false;
try {
	for (const entry of entries) {
		const pkg = path.join(root, entry.pkg);
		const config = ExtractorConfig.prepare({
			configObjectFullPath: path.join(pkg, 'api-extractor.json'),
			packageJsonFullPath: path.join(pkg, 'package.json'),
			configObject: {
				projectFolder: pkg,
				mainEntryPointFilePath: path.join(pkg, entry.types),
				// `types: ['node']`: without it API Extractor cannot follow the global `NodeJS` namespace.
				compiler: {
					overrideTsconfig: {
						extends: path.join(root, 'tsconfig.base.json'),
						compilerOptions: { types: ['node'] },
						include: [path.join(pkg, 'dist')],
					},
				},
				apiReport: {
					enabled: true,
					reportFileName: `${entry.report}.api.md`,
					reportFolder: path.join(root, 'api'),
					reportTempFolder: temp,
				},
				docModel: { enabled: false },
				dtsRollup: { enabled: false },
				tsdocMetadata: { enabled: false },
				messages: {
					extractorMessageReporting: {
						default: { logLevel: 'warning' },
						'ae-missing-release-tag': { logLevel: 'none' },
						'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: entry.front === true },
						'ae-unresolved-link': { logLevel: 'none' },
						'ae-undocumented': { logLevel: 'none' },
					},
					tsdocMessageReporting: { default: { logLevel: 'none' } },
				},
			},
		});
		const result = Extractor.invoke(config, {
			localBuild: write,
			messageCallback: (message) => {
				if (message.messageId === 'console-compiler-version-notice') message.handled = true;
			},
		});
		if (!result.succeeded) {
			failed = true;
			if (result.apiReportChanged)
				console.error(
					`api/${entry.report}.api.md: the public API of ${entry.pkg} (${entry.types}) changed; if that is meant, run \`npm run api\` and commit the report`,
				);
		}
	}
} finally {
	rmSync(temp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
