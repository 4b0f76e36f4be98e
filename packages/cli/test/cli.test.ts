import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { planSummary } from '@jdcast/core';
import { NODE_FLAGS } from '../src/node-flags.js';

const bin = new URL('../bin/jdcast.mjs', import.meta.url).pathname;
const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-cli-'));

async function jdcast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: root });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

function file(name: string, text: string): string {
	const p = path.join(dir, name);
	writeFileSync(p, text, { mode: 0o600 });
	return p;
}

describe('jdcast validate', () => {
	it('accepts every shipped example profile', async () => {
		// As a stranger types it: profiles/*.yaml holds profiles only.
		const { code, stdout, stderr } = await jdcast('validate', 'profiles/*.yaml');
		assert.equal(code, 0, stderr);
		assert.equal(stdout, '3 files valid\n');
		assert.equal(stderr, '', 'no warning: the examples need no password');
		// The station, its schedule among its files; the autodj's music made as setup.sh makes it.
		execFileSync('bash', [path.join(root, 'scripts/station-music.sh')]);
		const station = await jdcast('validate', 'profiles/station/*.yaml');
		assert.equal(station.code, 0, station.stderr);
		assert.equal(station.stdout, '4 files valid\n');
	});

	it('exits 1 and prints every problem as FILE:LINE:COL: message, without a stack', async () => {
		const bad = file(
			'bad.yaml',
			'servers:\n  main: { host: h, password: x }\nstreams:\n  - mount: /a\n    format: wma\n  - mount: b\n    format: opus\n',
		);
		const { code, stderr } = await jdcast('validate', bad);
		assert.equal(code, 1);
		assert.equal(
			stderr,
			`${bad}:5:13: streams[0].format: "wma" is not one of opus, vorbis, ogg, flac, mp3, aac\n${bad}:6:12: streams[1].mount: "b" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'\n`,
		);
	});

	it('a FIFO, a device or a file over 1 MiB: refused in one sentence, at once (a FIFO never blocks)', async () => {
		const fifo = path.join(dir, 'pipe.yaml');
		execFileSync('mkfifo', [fifo]);
		const big = file('big.yaml', `# ${'x'.repeat(1024 * 1024 + 10)}\n`);
		for (const [target, message] of [
			[fifo, /pipe\.yaml:1:1: not a regular file/],
			['/dev/zero', /\/dev\/zero:1:1: not a regular file/],
			[big, /big\.yaml:1:1: the file is larger than 1 MiB, the most a profile may be/],
		] as const) {
			const { code, stderr } = await jdcast('validate', target);
			assert.equal(code, 1);
			assert.match(stderr, message);
		}
	});

	it('warnings do not change the exit code', async () => {
		const warn = file(
			'warn.yaml',
			'servers:\n  main: { host: h, password: x }\nstreams:\n  - { mount: /a, format: flac, bitrate: 9 }\n',
		);
		const { code, stderr } = await jdcast('validate', warn);
		assert.equal(code, 0);
		assert.match(
			stderr,
			new RegExp(`^${warn}:4:41: warning: streams\\[0\\]\\.bitrate: flac is lossless; bitrate is ignored\\n`),
		);
	});

	it('the result on standard output, every problem and warning on standard error', async () => {
		const warn = file(
			'split.yaml',
			'servers:\n  main: { host: h, password: x }\nstreams:\n  - { mount: /a, format: flac, bitrate: 9 }\n',
		);
		const ok = await jdcast('validate', warn);
		assert.equal(ok.code, 0);
		assert.equal(ok.stdout, '1 file valid\n');
		assert.match(
			ok.stderr,
			/^\S+split\.yaml:4:41: warning: streams\[0\]\.bitrate: flac is lossless; bitrate is ignored\n$/,
		);
		const bad = await jdcast('validate', file('split-bad.yaml', 'servers: {}\nstreams: []\n'));
		assert.equal(bad.code, 1);
		assert.equal(bad.stdout, '', 'nothing is valid: no result');
		assert.match(bad.stderr, /split-bad\.yaml:\d+:\d+: /);
	});

	it('checks what a profile needs from this machine: a missing input file fails at its path, an unset password variable is a warning', async () => {
		const missing = file(
			'autodj.yaml',
			'name: autodj\ninput:\n  file: { path: music/none.ogg, loop: true }\nservers:\n  main: { host: h, password: x }\nstreams:\n  - { mount: /a.opus, format: opus }\n',
		);
		const failed = await jdcast('validate', missing);
		assert.equal(failed.code, 1);
		assert.equal(failed.stdout, '');
		assert.equal(
			failed.stderr,
			`${missing}:3:17: input.file.path: no file at ${path.join(dir, 'music', 'none.ogg')}\n`,
		);
		const unset = file(
			'unset.yaml',
			'name: unset\nservers:\n  main: { host: h, password_env: JDCAST_CLI_TEST_UNSET }\nstreams:\n  - { mount: /a.opus, format: opus }\n',
		);
		const warned = await jdcast('validate', unset);
		assert.equal(warned.code, 0, 'set where jdcast up runs, perhaps: not an error');
		assert.equal(warned.stdout, '1 file valid\n');
		assert.match(
			warned.stderr,
			/^\S+unset\.yaml:3:3: warning: servers\.main\.password_env: \$JDCAST_CLI_TEST_UNSET is not set here; set it where `jdcast up` runs/,
		);
	});

	it('reads a Jackdaw config', async () => {
		const ok = file(
			'va.json',
			JSON.stringify({ plugins: { icecast_streamer: { enabled: true, format: 'opus', bitrate: 96 } } }),
		);
		assert.equal((await jdcast('validate', '--jackdaw', ok)).code, 0);
		const bad = file('va-bad.json', '{"plugins": {"icecast_streamer": {"format": "wav"}}}');
		const { code, stderr } = await jdcast('validate', '--jackdaw', bad);
		assert.equal(code, 1);
		assert.equal(
			stderr,
			`${bad}:1:45: plugins.icecast_streamer.format: "wav" is not one of ogg, opus, flac, mp3, aac\n`,
		);
	});

	it('usage errors exit 2', async () => {
		assert.equal((await jdcast('validate')).code, 2);
		assert.equal((await jdcast('validate', '--nope', 'x.yaml')).code, 2);
		const unknown = await jdcast('frobnicate');
		assert.equal(unknown.code, 2);
		assert.match(unknown.stderr, /unknown command "frobnicate"/);
	});

	it('--help describes every flag', async () => {
		const { code, stdout } = await jdcast('validate', '--help');
		assert.equal(code, 0);
		assert.match(stdout, /--jackdaw FILE/);
		assert.match((await jdcast('--help')).stdout, /validate .*\n.*plan/);
	});
});

describe('jdcast plan', () => {
	it('--json: Opus 96 to three servers, FLAC to one and a FLAC recording: two encoders, no password', async () => {
		const p = file(
			'three.yaml',
			`name: three
servers:
  a: { host: a.example, password: pw-alpha-123 }
  b: { host: b.example, password: pw-bravo-456 }
  c: { host: c.example, password: pw-charlie-789 }
streams:
  - { mount: /live.opus, format: opus, bitrate: 96 }
  - { mount: /live.flac, format: flac, servers: [a] }
record:
  - { path: "rec-{date}.ogg", format: flac }
`,
		);
		const { code, stdout } = await jdcast('plan', '--json', p);
		assert.equal(code, 0);
		for (const pw of ['pw-alpha-123', 'pw-bravo-456', 'pw-charlie-789']) assert.ok(!stdout.includes(pw));
		const json = JSON.parse(stdout) as { profiles: ReturnType<typeof planSummary>[] };
		assert.equal(json.profiles.length, 1);
		const [profile] = json.profiles;
		assert.equal(profile!.name, 'three');
		assert.equal(profile!.argv[0], 'ffmpeg');
		assert.deepEqual(
			profile!.encoders.map((e) => [e.fd, e.format, e.bitrate, e.streams.length, e.recordings]),
			[
				[3, 'opus', 96, 3, []],
				[4, 'flac', null, 1, ['rec-{date}.ogg']],
			],
		);
	});

	it('refuses invalid files', async () => {
		const bad = file('bad-plan.yaml', 'servers: {}\nstreams: []\n');
		assert.equal((await jdcast('plan', bad)).code, 1);
	});
});

describe('jdcast jackdaw install', () => {
	it('a user gives a folder that is not Jackdaw, or none that exists: one sentence, exit 1, nothing written', async () => {
		const notJackdaw = mkdtempSync(path.join(tmpdir(), 'jdcast-not-jackdaw-'));
		for (const [folder, says] of [
			[
				notJackdaw,
				/^jdcast: .* is not a Jackdaw checkout \(it has no plugin_base\.py\): give the folder Jackdaw was cloned into\n$/,
			],
			[path.join(notJackdaw, 'nope'), /^jdcast: .*nope is not a folder: give the folder Jackdaw was cloned into\n$/],
		] as const) {
			const { code, stderr } = await jdcast('jackdaw', 'install', folder);
			assert.equal(code, 1);
			assert.match(stderr, says);
		}
		assert.equal(existsSync(path.join(notJackdaw, 'plugins')), false);
	});

	it('a user installs into Jackdaw with the example config (plugin disabled), then again after a move: next steps, the paths, the old plugin kept once', async () => {
		const jackdaw = mkdtempSync(path.join(tmpdir(), 'jdcast-jackdaw-'));
		writeFileSync(path.join(jackdaw, 'plugin_base.py'), 'class VoiceAssistantPlugin: pass\n');
		mkdirSync(path.join(jackdaw, 'plugins'));
		writeFileSync(path.join(jackdaw, 'plugins', 'icecast_streamer.py'), '# the old plugin\n');
		writeFileSync(
			path.join(jackdaw, 'voice_assistant_config.json'),
			JSON.stringify({ plugins: { icecast_streamer: { enabled: false, host: 'localhost' } } }),
		);
		const first = await jdcast('jackdaw', 'install', jackdaw);
		assert.equal(first.code, 0, first.stderr);
		assert.match(first.stderr, /the previous plugin is kept as .*icecast_streamer\.py\.before-jdcast/);
		assert.match(
			first.stderr,
			new RegExp(
				`it runs ${process.execPath.replace(/[.]/g, '\\.')} ${NODE_FLAGS.join(' ')} \\S+jdcast\\.mjs: after moving Node or jdcast, run \`jdcast jackdaw install ${jackdaw}\` again`,
			),
		);
		assert.match(
			first.stderr,
			/the plugin is disabled: set plugins\.icecast_streamer\.enabled to true in .*voice_assistant_config\.json/,
		);
		assert.match(first.stderr, /restart the voice assistant, then say "start streaming"/);
		writeFileSync(
			path.join(jackdaw, 'voice_assistant_config.json'),
			JSON.stringify({ plugins: { icecast_streamer: { enabled: true } } }),
		);
		const again = await jdcast('jackdaw', 'install', jackdaw);
		assert.equal(again.code, 0, again.stderr);
		assert.doesNotMatch(again.stderr, /kept as|disabled/);
		assert.equal(
			readFileSync(path.join(jackdaw, 'plugins', 'icecast_streamer.py.before-jdcast'), 'utf8'),
			'# the old plugin\n',
		);
		assert.match(readFileSync(path.join(jackdaw, 'plugins', 'icecast_streamer.py'), 'utf8'), /^JDCAST_COMMAND = \[/m);
	});
});

describe('jdcast, typed by hand', () => {
	it("a typo in a command gets the closest one, `help COMMAND` is the command's help, -v the version, extra arguments exit 2", async () => {
		const typo = await jdcast('statsu');
		assert.equal(typo.code, 2);
		assert.match(
			typo.stderr,
			/^jdcast: unknown command "statsu"; did you mean `status`\? Commands are validate, plan, up, status, /,
		);
		assert.match((await jdcast('zzz')).stderr, /^jdcast: unknown command "zzz"\. Commands are /);
		const help = await jdcast('help', 'reload');
		assert.equal(help.code, 0);
		assert.match(help.stdout, /^Usage: jdcast reload/);
		const version = await jdcast('-v');
		assert.equal(version.code, 0);
		assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
		const extra = await jdcast('status', 'now');
		assert.equal(extra.code, 2);
		assert.match(extra.stderr, /^jdcast status: takes no arguments, got "now"/);
	});
});

describe('the jdcast command file', () => {
	it('runs by itself with the flags the service and the Jackdaw launcher give node', async () => {
		const bin = fileURLToPath(new URL('../bin/jdcast.mjs', import.meta.url));
		// sh runs the second line (any sh: BusyBox's env has no -S), node reads it as a string and a comment.
		const [shebang, launch] = readFileSync(bin, 'utf8').split('\n');
		assert.equal(shebang, '#!/bin/sh');
		assert.equal(launch, `":" //; exec node ${NODE_FLAGS.join(' ')} "$0" "$@"`);
		const { stdout } = await promisify(execFile)(bin, ['--version']);
		assert.match(stdout, /^\d+\.\d+\.\d+/);
	});
});
