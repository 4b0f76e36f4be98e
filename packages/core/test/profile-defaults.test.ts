import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileFiles, loadProfileText } from '../src/index.js';

/** The formatted diagnostics of one profile text, as `jdcast validate` prints them. */
function _lines(text: string, file = 'p.yaml'): string[] {
	return loadProfileText(text, file).diagnostics.map(formatDiagnostic);
}

const _SERVER = 'servers:\n  main:\n    host: localhost\n    password_env: PW\n';

describe('defaults', () => {
	it('fills in the documented defaults', () => {
		const { profile } = loadProfileText(
			`servers:\n  main: { host: h, password_env: PW }\nstreams:\n  - { mount: /a.opus, format: opus }\n  - { mount: /a.ogg, format: ogg }\n  - { mount: /a.mp3, format: mp3 }\n  - { mount: /a.flac, format: flac }\n`,
			'/x/studio-a.yaml',
		);
		assert.ok(profile);
		assert.equal(profile.name, 'studio-a');
		assert.deepEqual(profile.input, {
			kind: 'jack',
			client: 'jd_stream',
			channels: 2,
			connect: [],
			at: { file: '/x/studio-a.yaml', line: 1, col: 1 },
		});
		assert.deepEqual(
			{ ...profile.servers.main!, at: '' },
			{
				name: 'main',
				host: 'h',
				port: 8000,
				user: 'source',
				password: { kind: 'env', name: 'PW' },
				tls: false,
				embedded: false,
				mounts: {},
				at: '',
			},
		);
		assert.deepEqual(
			profile.streams.map((s) => [s.format, s.bitrate, s.channels, s.samplerate, s.servers]),
			[
				['opus', 96, 2, 48000, ['main']],
				['vorbis', 128, 2, null, ['main']],
				['mp3', 128, 2, null, ['main']],
				['flac', null, 2, null, ['main']],
			],
		);
	});
});

describe('across files', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-'));
	const write = (name: string, text: string) => {
		const file = path.join(dir, name);
		writeFileSync(file, text, { mode: 0o600 });
		return file;
	};
	const a = write(
		'a.yaml',
		'name: night\ninput:\n  jack:\n    client: dj\nservers:\n  s: { host: Radio.local, password: x }\nstreams:\n  - { mount: /live, format: opus }\n',
	);
	const b = write(
		'b.yaml',
		'name: night\ninput:\n  jack:\n    client: dj\nservers:\n  t: { host: radio.local, port: 8000, password: y }\nstreams:\n  - { mount: /live, format: mp3 }\n',
	);

	it('names both places of every clash', async () => {
		const result = await loadProfileFiles([a, b]);
		assert.equal(result.ok, false);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${b}:1:7: profile name "night" is also used by ${a}:1:7`,
			`${b}:4:13: JACK client "dj" on the default JACK server is also used by ${a}:4:13`,
			`${b}:8:14: /live on radio.local:8000 is also fed by ${a}:8:14`,
		]);
	});

	it('one JACK client name on two JACK servers is fine', async () => {
		const c = write(
			'c.yaml',
			'input:\n  jack:\n    client: dj\n    server: other\nservers:\n  s: { host: h, password: x }\nstreams:\n  - { mount: /c, format: opus }\n',
		);
		const result = await loadProfileFiles([a, c]);
		assert.deepEqual(result.diagnostics, []);
		assert.equal(result.ok, true);
	});

	it('a file that cannot be read', async () => {
		const result = await loadProfileFiles([path.join(dir, 'missing.yaml')]);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${path.join(dir, 'missing.yaml')}:1:1: cannot read the file: ENOENT`,
		]);
	});
});

function _readBack(file: string): string {
	return readFileSync(file, 'utf8');
}
