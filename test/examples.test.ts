import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { freePort, tempDir } from './helpers/env.js';
import { writeProfile } from './helpers/jdcast.js';

const tsx = new URL('../node_modules/.bin/tsx', import.meta.url).pathname;
const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;

it("README's library example with the command README prints, from the clone's folder: on air, stopped by itself", async () => {
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const command = /```sh\n(npx tsx examples\/basic\.ts [^\n]+)\n```/.exec(readme.split(/^## Library use$/m)[1]!)?.[1];
	assert.equal(command, 'npx tsx examples/basic.ts examples/tone.yaml');
	const root = new URL('..', import.meta.url).pathname;
	// As printed, run until it stops itself (the program's own switch for demos) instead of a Ctrl-C.
	const result = await execa('bash', ['-c', command!], {
		cwd: root,
		reject: false,
		timeout: 60_000,
		env: { JDCAST_EXAMPLE_SECONDS: '1' },
	});
	assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
	assert.match(result.stdout, /^ {2}http:\/\/127\.0\.0\.1:8020\/example\.opus live \d+ kbps, \d+ listeners$/m);
	assert.match(result.stdout, /^stopped$/m);
	assert.equal(result.stderr, '');
});

it('examples/basic.ts, as a stranger runs it: on air with a tone and an embedded server, now playing set, stopped cleanly by SIGTERM', async (t) => {
	const dir = tempDir(t);
	const port = await freePort();
	const file = writeProfile(
		dir,
		'example',
		`input: { tone: {} }\nsilence: false\nservers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /example.opus, format: opus }\n  - { mount: /example.mp3, format: mp3 }\n`,
	);
	// tsx's own process, when signalled, waits 30 ms for its child to say it got the signal and else kills
	// it (exit 143): on a loaded machine that is a coin toss. The program itself, under node with tsx's
	// loader, is what a service manager signals.
	const run = execa(process.execPath, ['--import', 'tsx', example('basic.ts'), file], {
		reject: false,
		timeout: 60_000,
	});
	let out = '';
	let signalled = false;
	run.stdout?.on('data', (chunk: Buffer) => {
		out += String(chunk);
		// Once it has printed its status: the signal a service manager sends (once).
		if (!signalled && /http:\/\/127\.0\.0\.1:\d+\/example\.mp3 live/.test(out)) {
			signalled = true;
			run.kill('SIGTERM');
		}
	});
	const result = await run;
	assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}\nsignal: ${result.signal}`);
	assert.match(result.stdout, /example \/example\.opus on own: live/);
	assert.match(result.stdout, /^ {2}http:\/\/127\.0\.0\.1:\d+\/example\.opus live \d+ kbps, \d+ listeners$/m);
	assert.match(result.stdout, /^stopped$/m);
});

it('examples/in-code.ts: a profile built in code goes on air; a bad one is refused with its JSON path', async () => {
	const result = await execa(tsx, [example('in-code.ts')], {
		reject: false,
		timeout: 60_000,
		env: { JDCAST_EXAMPLE_PORT: String(await freePort()) },
	});
	assert.equal(result.exitCode, 0, result.stderr);
	assert.match(result.stdout, /\/code\.opus live\n.*\/code\.mp3 live/);
	const { loadProfileObject, formatDiagnostic } = await import('@jdcast/core');
	const bad = loadProfileObject(
		{ servers: { s: { host: 'h', password: 'x' } }, streams: [{ mount: '/a', format: 'opus', bitrate: 600 }] },
		{ name: 'bad' },
	);
	assert.equal(bad.profile, undefined);
	assert.deepEqual(bad.diagnostics.map(formatDiagnostic), [
		'bad (object): streams[0].bitrate: 600 is above the maximum 510 for opus',
	]);
	assert.match(
		loadProfileObject([1, 2]).diagnostics.map(formatDiagnostic)[0]!,
		/^profile \(object\): a profile is an object with `servers` and `streams`$/,
	);
	const huge = loadProfileObject({
		servers: { s: { host: 'h', password: 'x' } },
		streams: [{ mount: '/a', format: 'opus' }],
		info: { name: 'x'.repeat(2_000_000) },
	});
	assert.deepEqual(huge.diagnostics.map(formatDiagnostic), [
		'profile (object): the profile object is larger than 1 MiB written out, the most a profile may be',
	]);
});

it("README's Library use shows examples/basic.ts as it is", async () => {
	const { readFileSync } = await import('node:fs');
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const shown = readme
		.split(/^## Library use$/m)[1]!
		.split('```ts\n')[1]!
		.split('```')[0]!;
	assert.equal(shown, readFileSync(example('basic.ts'), 'utf8'));
});
