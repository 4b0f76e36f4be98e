import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { formatDiagnostic, loadProfileFiles } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-preflight-'));
function write(name: string, text: string): string {
	const file = path.join(dir, name);
	writeFileSync(file, text, { mode: 0o600 });
	return file;
}

const SERVER = 'servers:\n  main: { host: localhost, password: x }\nstreams:\n  - { mount: /a.opus, format: opus }\n';

describe('what a profile needs from this machine', () => {
	it('an input file that is not there is an error at its path; one that is, none', async () => {
		const missing = write('missing-input.yaml', `name: autodj\ninput:\n  file:\n    path: music/loop.ogg\n${SERVER}`);
		const result = await loadProfileFiles([missing]);
		assert.equal(result.ok, false);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${missing}:4:11: input.file.path: no file at ${path.join(dir, 'music', 'loop.ogg')}`,
		]);
		mkdirSync(path.join(dir, 'music'), { recursive: true });
		writeFileSync(path.join(dir, 'music', 'loop.ogg'), 'OggS');
		const found = await loadProfileFiles([missing]);
		assert.deepEqual(found.diagnostics, []);
		assert.equal(found.ok, true);
		const folder = write('folder-input.yaml', `name: folder\ninput: { file: { path: music } }\n${SERVER}`);
		assert.deepEqual((await loadProfileFiles([folder])).diagnostics.map(formatDiagnostic), [
			`${folder}:2:24: input.file.path: ${path.join(dir, 'music')} is a folder; give the file to play`,
		]);
	});

	it('a password variable that is not set is a warning naming it and its server; validate still passes', async () => {
		const source = 'JDCAST_PREFLIGHT_SOURCE_PW';
		const admin = 'JDCAST_PREFLIGHT_ADMIN_PW';
		delete process.env[source];
		delete process.env[admin];
		const file = write(
			'env.yaml',
			`name: env\nservers:\n  main:\n    host: localhost\n    password_env: ${source}\n    admin_password_env: ${admin}\nstreams:\n  - { mount: /a.opus, format: opus }\n`,
		);
		const result = await loadProfileFiles([file]);
		assert.equal(result.ok, true, 'a warning only: the variable may be set where jdcast up runs');
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${file}:3:3: warning: servers.main.password_env: $${source} is not set here; set it where \`jdcast up\` runs (its shell or service), or this server's streams cannot connect`,
			`${file}:3:3: warning: servers.main.admin_password_env: $${admin} is not set here; set it where \`jdcast up\` runs (its shell or service), or "now playing" updates of MP3 and AAC mounts use the source password`,
		]);
		process.env[source] = 'set';
		process.env[admin] = '';
		try {
			assert.deepEqual(
				(await loadProfileFiles([file])).diagnostics.map((d) => d.message.split(':')[0]),
				['servers.main.admin_password_env'],
				'set: no warning; empty: still none to use',
			);
		} finally {
			delete process.env[source];
			delete process.env[admin];
		}
	});

	it("HE-AAC asked of an ffmpeg without libfdk_aac (Debian's) is refused at the stream, with the reason; AAC-LC is not", async () => {
		const he = write(
			'he.yaml',
			'name: he\nservers:\n  main: { host: localhost, password: x }\nstreams:\n  - { mount: /a.aac, format: aac, profile: he2 }\n',
		);
		const result = await loadProfileFiles([he]);
		const { stdout } = await execa('ffmpeg', ['-hide_banner', '-encoders']);
		if (/ libfdk_aac /.test(stdout)) return assert.equal(result.ok, true);
		assert.equal(result.ok, false);
		assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
			`${he}:5:14: streams[0].profile: he2 (HE-AAC v2) needs an ffmpeg built with libfdk_aac, and this one is not; use AAC-LC (leave profile out) or install an ffmpeg with libfdk_aac`,
		]);
		const lc = write(
			'lc.yaml',
			'name: lc\nservers:\n  main: { host: localhost, password: x }\nstreams:\n  - { mount: /a.aac, format: aac, profile: lc }\n',
		);
		assert.equal((await loadProfileFiles([lc])).ok, true);
	});
});
