import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileText } from '../src/index.js';

/** The formatted diagnostics of one profile text, as `jdcast validate` prints them. */
function lines(text: string, file = 'p.yaml'): string[] {
	return loadProfileText(text, file).diagnostics.map(formatDiagnostic);
}

const SERVER = 'servers:\n  main:\n    host: localhost\n    password_env: PW\n';

describe('profile errors point at the key or value to change', () => {
	const cases: [string, string, string[]][] = [
		[
			'unknown key with a suggestion',
			`${SERVER}streams:\n  - mount: /a.opus\n    format: opus\n    bitrat: 96\n`,
			['p.yaml:8:5: streams[0].bitrat: unknown key `bitrat`; did you mean `bitrate`?'],
		],
		[
			'unknown top-level key',
			`${SERVER}stream:\n  - mount: /a\n    format: opus\n`,
			[
				'p.yaml:1:1: profile: missing required key `streams`',
				'p.yaml:5:1: stream: unknown key `stream`; did you mean `streams`?',
			],
		],
		[
			'format not in the enum',
			`${SERVER}streams:\n  - mount: /a\n    format: opus\n  - mount: /b\n    format: wma\n`,
			['p.yaml:9:13: streams[1].format: "wma" is not one of opus, vorbis, ogg, flac, mp3, aac'],
		],
		[
			'format typo',
			`${SERVER}streams:\n  - mount: /a\n    format: opsu\n`,
			['p.yaml:7:13: streams[0].format: "opsu" is not one of opus, vorbis, ogg, flac, mp3, aac; did you mean `opus`?'],
		],
		[
			'port out of range',
			'servers:\n  main:\n    host: h\n    port: 70000\n    password: x\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:4:11: servers.main.port: 70000 is above the maximum 65535'],
		],
		[
			'port not a number',
			'servers:\n  main:\n    host: h\n    port: eighty\n    password: x\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:4:11: servers.main.port: must be a whole number, not text "eighty"'],
		],
		[
			'opus bitrate range',
			`${SERVER}streams:\n  - mount: /a\n    format: opus\n    bitrate: 600\n`,
			['p.yaml:8:14: streams[0].bitrate: 600 is above the maximum 510 for opus'],
		],
		[
			'vorbis bitrate range',
			`${SERVER}streams:\n  - mount: /a\n    format: ogg\n    bitrate: 16\n`,
			['p.yaml:8:14: streams[0].bitrate: 16 is below the minimum 32 for ogg'],
		],
		[
			'mp3 bitrate is an MPEG bitrate',
			`${SERVER}streams:\n  - mount: /a\n    format: mp3\n    bitrate: 100\n`,
			[
				'p.yaml:8:14: streams[0].bitrate: 100 is not one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 for mp3',
			],
		],
		[
			'mp3 channels',
			`${SERVER}streams:\n  - mount: /a\n    format: mp3\n    channels: 6\n`,
			['p.yaml:8:15: streams[0].channels: 6 is above the maximum 2 for mp3'],
		],
		[
			'channels range',
			`${SERVER}streams:\n  - mount: /a\n    format: flac\n    channels: 9\n`,
			['p.yaml:8:15: streams[0].channels: 9 is above the maximum 8'],
		],
		[
			'mount must start with /',
			`${SERVER}streams:\n  - mount: live.opus\n    format: opus\n`,
			[
				"p.yaml:6:12: streams[0].mount: \"live.opus\" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'",
			],
		],
		[
			'mount with ..',
			`${SERVER}streams:\n  - mount: /a/../b\n    format: opus\n`,
			[
				"p.yaml:6:12: streams[0].mount: \"/a/../b\" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'",
			],
		],
		[
			'mount with a space',
			`${SERVER}streams:\n  - mount: /my stream\n    format: opus\n`,
			[
				"p.yaml:6:12: streams[0].mount: \"/my stream\" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'",
			],
		],
		[
			'missing mount',
			`${SERVER}streams:\n  - format: opus\n`,
			['p.yaml:6:5: streams[0]: missing required key `mount`'],
		],
		['no streams', `${SERVER}streams: []\n`, ['p.yaml:5:10: streams: needs at least 1 stream']],
		[
			'no servers',
			'servers: {}\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:1:10: servers: needs at least 1 server'],
		],
		[
			'two password sources',
			'servers:\n  main:\n    host: h\n    password: x\n    password_env: PW\nstreams:\n  - { mount: /a, format: opus }\n',
			[
				'p.yaml:5:5: servers.main.password_env: has both password and password_env; use exactly one of password, password_env, password_file',
			],
		],
		[
			'no password source',
			'servers:\n  main:\n    host: h\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:3:5: servers.main: needs one of password, password_env, password_file'],
		],
		[
			'missing host',
			'servers:\n  main:\n    password: x\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:3:5: servers.main: missing required key `host`'],
		],
		[
			'host with a scheme',
			'servers:\n  main:\n    host: http://h\n    password: x\nstreams:\n  - { mount: /a, format: opus }\n',
			[
				'p.yaml:3:11: servers.main.host: "http://h" is not valid: expected a host name or address, without scheme, port or path',
			],
		],
		[
			'a CA for TLS with tls turned off',
			'servers:\n  main:\n    host: h\n    password: x\n    tls: false\n    tls_ca: ca.pem\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:6:5: servers.main.tls_ca: a CA for TLS, but tls is false; remove one of them'],
		],
		[
			'embedded server with a CA',
			'servers:\n  local:\n    embedded: true\n    tls_ca: ca.pem\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:3:5: servers.local: an embedded server takes only port (and user)'],
		],
		[
			'embedded server with a password',
			'servers:\n  local:\n    embedded: true\n    password: x\nstreams:\n  - { mount: /a, format: opus }\n',
			['p.yaml:3:5: servers.local: an embedded server takes only port (and user)'],
		],
		[
			'two inputs',
			`input:\n  jack: {}\n  tone: {}\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			['p.yaml:3:3: input.tone: has both jack and tone; use exactly one of jack, tone, file, harbor'],
		],
		[
			'jack channels',
			`input:\n  jack:\n    channels: 0\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			['p.yaml:3:15: input.jack.channels: 0 is below the minimum 1'],
		],
		[
			'bad connect pair',
			`input:\n  jack:\n    connect:\n      - [system:capture_1, output_1]\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			['p.yaml:4:28: input.jack.connect[0][1]: "output_1" is not valid: expected one of our ports, input_1 .. input_8'],
		],
		[
			'connect to a port the client lacks',
			`input:\n  jack:\n    channels: 1\n    connect:\n      - [system:capture_1, input_2]\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			['p.yaml:5:28: input.jack.connect[0]: input_2 does not exist: the client has 1 input (input_1..input_1)'],
		],
		[
			'connect item of the wrong kind',
			`input:\n  jack:\n    connect:\n      - 42\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			[
				'p.yaml:4:9: input.jack.connect[0]: must be a client name or pattern ("*", "jacktrip-*"), clients by pattern with exceptions or an explicit pair',
			],
		],
		[
			'unknown server reference',
			`${SERVER}streams:\n  - mount: /a\n    format: opus\n    servers: [mian]\n`,
			['p.yaml:8:15: streams[0].servers[0]: no server named "mian"; servers are main; did you mean `main`?'],
		],
		[
			'the same mount twice on a server',
			`${SERVER}streams:\n  - mount: /a\n    format: opus\n  - mount: /a\n    format: mp3\n`,
			['p.yaml:8:12: streams[1].mount: /a on server main is already fed at p.yaml:6:12'],
		],
		[
			'name pattern',
			`name: My Show\n${SERVER}streams:\n  - { mount: /a, format: opus }\n`,
			[
				'p.yaml:1:7: name: "My Show" is not valid: expected lower-case letters, digits, - and _, starting with a letter or digit',
			],
		],
		[
			'mp3 from a 6-channel input',
			`input:\n  jack:\n    channels: 6\n${SERVER}streams:\n  - mount: /a\n    format: mp3\n`,
			['p.yaml:10:13: streams[0]: mp3 carries at most 2 channels but the input has 6; add `channels: 2`'],
		],
		[
			'YAML syntax error',
			`${SERVER}streams:\n  - mount: /a\n   format: opus\n`,
			['p.yaml:7:1: YAML: Sequence item without - indicator'],
		],
		['duplicate YAML key', `${SERVER}servers:\n  x: {}\nstreams: []\n`, ['p.yaml:5:1: YAML: Map keys must be unique']],
		[
			'an info field of 2,000 characters',
			`${SERVER}info: { name: ${'n'.repeat(2000)} }\nstreams:\n  - { mount: /a, format: opus }\n`,
			['p.yaml:5:15: info.name: must be at most 1024 characters'],
		],
	];
	for (const [title, text, expected] of cases) {
		it(title, () => assert.deepEqual(lines(text), expected));
	}

	it('nesting beyond any profile: one sentence, not a stack overflow', () => {
		// Where the parser gives up depends on the stack's size: the line is what matters.
		assert.match(
			lines(`x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).join('\n'),
			/^p\.yaml:1:\d+: YAML: nested too deeply \(a profile needs a few levels of keys and lists\)$/,
		);
	});

	it('reports every problem, not only the first', () => {
		const out = lines(
			'servers:\n  main:\n    host: h\n    port: 0\n    password: x\nstreams:\n  - mount: a\n    format: wma\n',
		);
		assert.equal(out.length, 3, out.join('\n'));
	});
});

describe('warnings do not make a profile invalid', () => {
	it('flac bitrate is ignored with a warning', () => {
		const result = loadProfileText(`${SERVER}streams:\n  - mount: /a\n    format: flac\n    bitrate: 320\n`, 'p.yaml');
		assert.ok(result.profile);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			'p.yaml:8:14: warning: streams[0].bitrate: flac is lossless; bitrate is ignored',
		]);
		assert.equal(result.profile.streams[0]!.bitrate, null);
	});

	it('a recording name that does not match its format', () => {
		const result = loadProfileText(
			`${SERVER}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - path: set.mp3\n    format: flac\n`,
			'p.yaml',
		);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			'p.yaml:8:11: warning: record[0].path: a flac recording is a FLAC or Ogg file; expected a name ending in .flac or .ogg or .oga',
		]);
	});

	it('wav is for recordings only; split and keep are checked', () => {
		const result = loadProfileText(
			`${SERVER}streams:\n  - { mount: /a, format: wav }\nrecord:\n  - { path: set.wav, format: pcm, split: 5s }\n  - { path: b.flac, format: flac, keep: 0d }\n`,
			'p.yaml',
		);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			'p.yaml:6:26: streams[0].format: wav is for recordings (record:) only; stream opus, vorbis, flac, mp3 or aac',
			'p.yaml:8:42: record[0].split: give a duration from 10s to 168h, like 1h, 30m or 10s (not "5s")',
			'p.yaml:9:41: record[1].keep: give an age (30d, 12h) or a total size (50GB, 500MB), not "0d"',
		]);
		const ok = loadProfileText(
			`${SERVER}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - { path: "set-{date}.wav", format: pcm, split: 1h, keep: 50GB }\n  - { path: "b-{date}.flac", format: flac, split: 10s, keep: 30d }\n`,
			'p.yaml',
		);
		assert.deepEqual(ok.diagnostics.map(formatDiagnostic), []);
		assert.deepEqual(
			ok.profile!.recordings.map((r) => [r.format, r.split, r.keep]),
			[
				['wav', 3600, { bytes: 50e9 }],
				['flac', 10, { seconds: 30 * 86_400 }],
			],
		);
		const noDate = loadProfileText(
			`${SERVER}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - { path: "{date}/day.wav", format: wav, keep: 30d }\n`,
			'p.yaml',
		);
		assert.deepEqual(noDate.diagnostics.map(formatDiagnostic), [
			"p.yaml:8:50: record[0].keep: needs {date} in the file name (day.wav) and no {date} or {slot} in its folder: jdcast removes only the files it can tell are this recording's",
		]);
	});

	it('a plain password in a file others can read', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-'));
		const file = path.join(dir, 'p.yaml');
		writeFileSync(
			file,
			'servers:\n  main:\n    host: h\n    password: hunter2\nstreams:\n  - { mount: /a, format: opus }\n',
		);
		chmodSync(file, 0o644);
		const loud = loadProfileText(readFileSync(file, 'utf8'), file).diagnostics.map(formatDiagnostic);
		assert.equal(loud.length, 1);
		assert.match(
			loud[0]!,
			/:4:15: warning: servers\.main\.password: a password written in a file that group or others can read \(mode 644\)/,
		);
		assert.doesNotMatch(loud[0]!, /hunter2/);
		chmodSync(file, 0o600);
		assert.deepEqual(loadProfileText(readFileSync(file, 'utf8'), file).diagnostics, []);
	});
});
