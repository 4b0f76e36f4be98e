import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileFiles, loadProfileText } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-names-'));
const write = (name: string, text: string) => {
	const file = path.join(dir, name);
	writeFileSync(file, text, { mode: 0o600 });
	return file;
};
const server = (mounts = '') => `servers:\n  s: { host: radio.local, password: x${mounts} }\n`;

describe('recordings that would share names, and air checks', () => {
	it('two profiles whose recordings expand to the same files: refused, naming both places', async () => {
		const a = write(
			'a.yaml',
			`name: a\ninput: { tone: {} }\n${server()}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - { path: "shared/{date}.wav", format: wav }\n`,
		);
		const b = write(
			'b.yaml',
			`name: b\ninput: { tone: {} }\n${server()}streams:\n  - { mount: /b, format: opus }\nrecord:\n  - { path: "shared/{date}.wav", format: wav }\n`,
		);
		const result = await loadProfileFiles([a, b]);
		assert.equal(result.ok, false);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${b}:8:13: record path shared/{date}.wav can write the same files as the recording at ${a}:8:13: give one of them another name`,
		]);
		// {profile} keeps them apart.
		const c = write(
			'c.yaml',
			`name: c\ninput: { tone: {} }\n${server()}streams:\n  - { mount: /c, format: opus }\nrecord:\n  - { path: "shared/{profile}-{date}.wav", format: wav }\n`,
		);
		const d = write(
			'd.yaml',
			`name: d\ninput: { tone: {} }\n${server()}streams:\n  - { mount: /d, format: opus }\nrecord:\n  - { path: "shared/{profile}-{date}.wav", format: wav }\n`,
		);
		assert.deepEqual((await loadProfileFiles([c, d])).diagnostics, []);
	});

	it("{slot} and split: slot belong to an air check, not to a profile's own recording", () => {
		const result = loadProfileText(
			`${server()}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - { path: "night-{slot}.flac", format: flac }\n`,
			'p.yaml',
		);
		assert.match(
			result.diagnostics.map(formatDiagnostic).join('\n'),
			/p\.yaml:6:13: record\[0\]: a profile's own recording is always its own input; .* servers\.NAME\.mounts\.MOUNT\.record/,
		);
	});

	it('an air check: said the same in every profile, its name fits the mount, no {profile}, a mount some profile streams', async () => {
		const mounts = (record: string) => `,\n      mounts: { /live.opus: { fallback: /auto.opus, record: ${record} } }`;
		const good = '{ path: "air/{date}-{slot}.opus", keep: 30d }';
		const dj = write(
			'dj.yaml',
			`name: dj\ninput: { tone: {} }\n${server(mounts(good))}streams:\n  - { mount: /live.opus, format: opus, shared: true }\n`,
		);
		const auto = write(
			'auto.yaml',
			`name: auto\ninput: { tone: {} }\n${server(mounts(good))}streams:\n  - { mount: /auto.opus, format: opus }\n`,
		);
		assert.deepEqual((await loadProfileFiles([dj, auto])).diagnostics, []);
		const other = write(
			'other.yaml',
			`name: other\ninput: { tone: {} }\n${server(mounts('{ path: "elsewhere/{slot}.opus" }'))}streams:\n  - { mount: /auto2.opus, format: opus }\n`,
		);
		assert.match(
			(await loadProfileFiles([dj, other])).diagnostics.map(formatDiagnostic).join('\n'),
			/servers\.s\.mounts\.\/live\.opus\.record differs from the air check of this mount at .*dj\.yaml:\d+:\d+: a mount has one/,
		);
		const wrong = loadProfileText(
			`${server(mounts('{ path: "air/{profile}.mp3" }'))}streams:\n  - { mount: /live.opus, format: opus }\n`,
			'w.yaml',
		);
		const said = wrong.diagnostics.map(formatDiagnostic).join('\n');
		assert.match(said, /record\.path: an air check is no profile's: name its files with \{slot\}/);
		assert.match(said, /record\.path: a opus recording is .*expected a name ending in \.opus/);
		const nobody = write(
			'nobody.yaml',
			`name: nobody\ninput: { tone: {} }\n${server(mounts('{ path: "air/{slot}.opus" }'))}streams:\n  - { mount: /other.opus, format: opus }\n`,
		);
		assert.match(
			(await loadProfileFiles([nobody])).diagnostics.map(formatDiagnostic).join('\n'),
			/record: no profile here streams \/live\.opus to this server: an air check records what they send/,
		);
	});

	it("an air check whose {slot} can name a DJ clashes with that DJ's own {profile} recording", async () => {
		const mounts =
			',\n      mounts: { /live.mp3: { fallback: /auto.mp3, record: { path: "recordings/{slot}-{date}.mp3" } } }';
		const dj = write(
			'dj-anna.yaml',
			`name: dj-anna\ninput: { tone: {} }\n${server(mounts)}streams:\n  - { mount: /live.mp3, format: mp3, shared: true }\nrecord:\n  - { path: "recordings/{profile}-{date}.mp3", format: mp3 }\n`,
		);
		assert.match(
			(await loadProfileFiles([dj])).diagnostics.map(formatDiagnostic).join('\n'),
			/record\.path can write the same files as the recording at .*dj-anna\.yaml:\d+:\d+/,
		);
	});

	it('a newline in a record path is refused', () => {
		const result = loadProfileText(
			`${server()}streams:\n  - { mount: /a, format: opus }\nrecord:\n  - { path: "a\\nb.opus", format: opus }\n`,
			'p.yaml',
		);
		assert.match(result.diagnostics.map(formatDiagnostic).join('\n'), /record\[0\]\.path: has a control character/);
	});
});
