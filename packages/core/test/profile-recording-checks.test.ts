import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileText } from '../src/index.js';

/** The formatted diagnostics of one profile text, as `jdcast validate` prints them. */
function lines(text: string, file = 'p.yaml'): string[] {
	return loadProfileText(text, file).diagnostics.map(formatDiagnostic);
}

const HEAD =
	'servers:\n  main:\n    host: localhost\n    password_env: PW\nstreams:\n  - { mount: /a.opus, format: opus }\n';
/** A profile whose one recording (line 8) is `entry`. */
const recording = (entry: string) => `${HEAD}record:\n  - ${entry}\n`;

describe('record paths: plain text only, refused where they are written', () => {
	it('a newline in a record path: refused at the path itself, in one sentence', () => {
		assert.deepEqual(lines(recording('{ path: "show\\nevil.wav", format: wav }')), [
			'p.yaml:8:13: record[0].path: has a control character (a newline, say); file names must be plain text',
		]);
	});

	it('the other controls too: a tab, DEL, a C1 control, a line separator', () => {
		for (const bad of ['a\\tb.wav', 'a\\x7fb.wav', 'a\\x85b.wav', 'a\\u2028b.wav']) {
			const found = lines(recording(`{ path: "${bad}", format: wav }`));
			assert.equal(found.length, 1, `${bad}: ${found.join(' | ')}`);
			assert.match(found[0]!, /^p\.yaml:8:13: record\[0\]\.path: has a control character/);
		}
	});

	it('a double quote in a record path: refused (a CUE sheet cannot name such a file)', () => {
		assert.deepEqual(lines(recording('{ path: \'say "hi".wav\', format: wav }')), [
			'p.yaml:8:13: record[0].path: has a double quote ("), which a CUE sheet cannot name; use another character',
		]);
	});

	it("an air check's path with a newline: refused at its path", () => {
		const text = `servers:\n  main:\n    host: localhost\n    password_env: PW\n    mounts:\n      /a.opus:\n        record: { path: "air\\n{slot}.opus" }\nstreams:\n  - { mount: /a.opus, format: opus }\n`;
		assert.deepEqual(lines(text), [
			'p.yaml:7:25: servers.main.mounts./a.opus.record.path: has a control character (a newline, say); file names must be plain text',
		]);
	});

	it('a mount name with a newline: refused at the mount', () => {
		const found = lines(
			'servers:\n  main:\n    host: localhost\n    password_env: PW\nstreams:\n  - { mount: "/a\\nb.opus", format: opus }\n',
		);
		assert.equal(found.length, 1, found.join(' | '));
		assert.match(
			found[0]!,
			/^p\.yaml:6:14: streams\[0\]\.mount: .* is not valid: expected a path .*without .*control characters/,
		);
	});

	it('an ESC or a C1 control in a mount, a mount’s settings or a fallback: refused there', () => {
		const stream = lines(
			'servers:\n  main:\n    host: localhost\n    password_env: PW\nstreams:\n  - { mount: "/a\\x85b.opus", format: opus }\n',
		);
		assert.equal(stream.length, 1, stream.join(' | '));
		assert.match(stream[0]!, /^p\.yaml:6:14: streams\[0\]\.mount: /);
		const settings = lines(
			'servers:\n  main:\n    host: localhost\n    password_env: PW\n    mounts:\n      "/a\\eb.opus": { fallback: "/f\\x9bx.opus" }\nstreams:\n  - { mount: /a.opus, format: opus }\n',
		);
		assert.deepEqual(settings, [
			`p.yaml:6:7: servers.main.mounts["/a\\u001bb.opus"]: name "/a\\u001bb.opus" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'`,
			`p.yaml:6:33: servers.main.mounts["/a\\u001bb.opus"].fallback: "/f\\u009bx.opus" is not valid: expected a path that starts with /, without spaces, control characters, '?', '#' or '..'`,
		]);
		// The message itself escapes them: 0x9B would start a control sequence in the terminal that shows it.
		assert.doesNotMatch([...stream, ...settings].join('\n'), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
	});
});

describe('keep by size below one part of split: a warning at validate', () => {
	it('wav: keep 1MB with split 1h (about 1 GB a part at 48 kHz, 2 channels, 24 bit)', () => {
		assert.deepEqual(lines(recording('{ path: "s-{date}.wav", format: wav, split: 1h, keep: 1MB }')), [
			'p.yaml:8:59: warning: record[0].keep: 1MB is less than one part of split 1h (about 1.04 GB of wav at 48000 Hz, 2 channels, 24 bit): each part would be removed as soon as it is closed',
		]);
	});

	it('flac: counted as its PCM (an upper bound), at the rate and channels given', () => {
		const found = lines(
			recording('{ path: "s-{date}.flac", format: flac, samplerate: 44100, channels: 1, split: 10m, keep: 20MB }'),
		);
		assert.equal(found.length, 1, found.join(' | '));
		assert.match(
			found[0]!,
			/warning: record\[0\]\.keep: 20MB is less than one part of split 10m \(up to 52\.9 MB of flac at 44100 Hz, 1 channel, 16 bit\)/,
		);
	});

	it('a lossy format: its bitrate × split', () => {
		const found = lines(recording('{ path: "s-{date}.mp3", format: mp3, bitrate: 128, split: 1h, keep: 50MB }'));
		assert.equal(found.length, 1, found.join(' | '));
		assert.match(
			found[0]!,
			/warning: record\[0\]\.keep: 50MB is less than one part of split 1h \(about 57\.6 MB of mp3 at 128 kbps\)/,
		);
	});

	it('an air check: the mount’s own encoding', () => {
		const text = `servers:\n  main:\n    host: localhost\n    password_env: PW\n    mounts:\n      /a.opus:\n        record: { path: "air-{slot}-{date}.opus", split: 1h, keep: 10MB }\nstreams:\n  - { mount: /a.opus, format: opus, bitrate: 128 }\n`;
		const found = lines(text);
		assert.equal(found.length, 1, found.join(' | '));
		assert.match(
			found[0]!,
			/warning: servers\.main\.mounts\.\/a\.opus\.record\.keep: 10MB is less than one part of split 1h \(about 57\.6 MB of opus at 128 kbps\)/,
		);
	});

	it('no warning: a keep that holds a part, a keep by age, no split', () => {
		for (const entry of [
			'{ path: "s-{date}.wav", format: wav, split: 1h, keep: 50GB }',
			'{ path: "s-{date}.wav", format: wav, split: 10s, keep: 5MB }',
			'{ path: "s-{date}.mp3", format: mp3, split: 1h, keep: 30d }',
			'{ path: "s-{date}.mp3", format: mp3, keep: 1MB }',
		])
			assert.deepEqual(lines(recording(entry)), [], entry);
	});
});
