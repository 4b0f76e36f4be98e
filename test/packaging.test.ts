import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { freePort, tempDir } from './helpers/env.js';

const root = new URL('..', import.meta.url).pathname;

/** What `npm pack` would put in a package's tarball. */
async function packed(pkg: string): Promise<string[]> {
	const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: path.join(root, 'packages', pkg),
	});
	return (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

it('each tarball holds what its package needs and nothing else: the CLI its bundle once, no source maps, no sources', async () => {
	const cli = await packed('cli');
	for (const file of [
		'bin/jdcast.mjs',
		'dist/bundle/jdcast.mjs',
		'dist/bundle/load-worker.mjs',
		'LICENSE',
		'README.md',
		'package.json',
	])
		assert.ok(cli.includes(file), `cli: ${file}`);
	assert.deepEqual(
		cli.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/')),
		[],
		'cli: no tsc output beside the bundle',
	);
	assert.ok(cli.length < 60, `cli: ${cli.length} files (a bundle left from an earlier build piles up)`);

	const core = await packed('core');
	for (const file of [
		'dist/index.js',
		'dist/index.d.ts',
		'dist/testing.js',
		'dist/testing.d.ts',
		'dist/jackdaw.js',
		'dist/jackdaw.d.ts',
		'dist/http/generated/dashboard.js',
		'dist/profile/generated/validate-profile.js',
		'dist/profile/load-worker.mjs',
		'schema/profile.schema.json',
		'schema/schedule.schema.json',
		'LICENSE',
		'README.md',
	]) {
		assert.ok(core.includes(file), `core: ${file}`);
	}
	const plugin = await packed('jackdaw-plugin');
	for (const file of ['dist/index.js', 'python/icecast_streamer.py', 'LICENSE'])
		assert.ok(plugin.includes(file), `jackdaw-plugin: ${file}`);
	for (const [name, files] of [
		['cli', cli],
		['core', core],
		['jackdaw-plugin', plugin],
	] as const) {
		assert.deepEqual(
			files.filter(
				(f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dashboard/'),
			),
			[],
			`${name}: no maps, sources or tests`,
		);
	}
});

it("the .d.ts files compile in a stranger's strict NodeNext project with skipLibCheck off", async (t) => {
	const dir = tempDir(t);
	mkdirSync(path.join(dir, 'node_modules', '@jdcast'), { recursive: true });
	symlinkSync(path.join(root, 'packages/core'), path.join(dir, 'node_modules/@jdcast/core'));
	symlinkSync(path.join(root, 'node_modules/@types'), path.join(dir, 'node_modules/@types'));
	writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
	writeFileSync(
		path.join(dir, 'tsconfig.json'),
		JSON.stringify({
			compilerOptions: {
				strict: true,
				module: 'NodeNext',
				moduleResolution: 'NodeNext',
				target: 'ES2022',
				skipLibCheck: false,
				noEmit: true,
				types: ['node'],
			},
			include: ['*.ts'],
		}),
	);
	copyFileSync(path.join(root, 'examples/basic.ts'), path.join(dir, 'basic.ts'));
	copyFileSync(path.join(root, 'examples/in-code.ts'), path.join(dir, 'in-code.ts'));
	writeFileSync(
		path.join(dir, 'more.ts'),
		[
			"import { Orchestrator, Scheduler, Schedule, Secret, healthOf, listenersByMount, type Engine, type JdcastErrorCode, type JdcastEventMessage, type StatusSnapshot } from '@jdcast/core';",
			"import { serveHttp, type HttpServer } from '@jdcast/core/http';",
			"import { startDummyJack } from '@jdcast/core/testing';",
			"import { fromJackdawConfig } from '@jdcast/core/jackdaw';",
			'const jdcast = new Orchestrator();',
			"const web: Promise<HttpServer> = serveHttp(jdcast, { port: 0, token: new Secret('0123456789abcdef') });",
			'const engine: Engine = jdcast;',
			'const govern = (s: Schedule) => jdcast.govern(new Scheduler(engine, s));',
			"const code: JdcastErrorCode = 'E_NOT_LIVE';",
			'const status: StatusSnapshot = jdcast.status();',
			'const ok: boolean = healthOf(status).ok;',
			'const mounts = listenersByMount(status.profiles).map((m) => m.listeners);',
			"const message = (m: JdcastEventMessage) => (m.event === 'level' ? m.peakDb : m.event);",
			'export { web, ok, mounts, message, govern, code, startDummyJack, fromJackdawConfig };',
			'',
		].join('\n'),
	);
	const result = await execa(path.join(root, 'node_modules/.bin/tsc'), ['-p', dir], { reject: false });
	assert.equal(result.exitCode, 0, result.stdout + result.stderr);
});

it("a stranger's program runs against the packed tarball, installed by npm into a project of its own", async (t) => {
	const dir = tempDir(t);
	const { stdout } = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
		cwd: path.join(root, 'packages/core'),
	});
	const tarball = path.join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
	const app = path.join(dir, 'app');
	mkdirSync(app);
	writeFileSync(
		path.join(app, 'package.json'),
		JSON.stringify({ type: 'module', private: true, dependencies: { '@jdcast/core': `file:${tarball}` } }),
	);
	// Its dependencies come from npm's cache (the repository's install filled it), else the registry.
	await execa(
		'npm',
		['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
		{
			cwd: app,
			timeout: 90_000,
		},
	);
	copyFileSync(path.join(root, 'examples/basic.ts'), path.join(app, 'basic.ts'));
	const port = await freePort();
	writeFileSync(
		path.join(app, 'radio.yaml'),
		`input: { tone: {} }\nsilence: false\nservers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /radio.opus, format: opus }\n`,
	);
	const result = await execa(path.join(root, 'node_modules/.bin/tsx'), ['basic.ts', 'radio.yaml'], {
		cwd: app,
		reject: false,
		timeout: 60_000,
		env: { JDCAST_EXAMPLE_SECONDS: '1' },
	});
	assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
	assert.match(result.stdout, /^ {2}http:\/\/127\.0\.0\.1:\d+\/radio\.opus live \d+ kbps, \d+ listeners$/m);
	assert.match(result.stdout, /^stopped$/m);
	// The program ran the tarball's code, not the workspace's: a folder of its own, not a link.
	const installed = path.join(app, 'node_modules/@jdcast/core');
	assert.equal(realpathSync(installed), installed);
});
