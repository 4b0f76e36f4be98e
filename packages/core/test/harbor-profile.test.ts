import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { formatDiagnostic, loadProfileFiles, loadProfileText } from '../src/index.js';

const lines = (text: string) => loadProfileText(text, 'p.yaml').diagnostics.map(formatDiagnostic);
const STREAMS =
	'servers:\n  s: { embedded: true, port: 8002 }\nstreams:\n  - { mount: /a.opus, format: opus, shared: true }\n';

it('a harbor profile: its defaults, who may send, and what validate says at FILE:LINE:COL', () => {
	const ok = loadProfileText(
		`input:\n  harbor:\n    port: 8010\n    mount: /dj\n    password_env: DJ\n    users:\n      anna: { password_file: anna.pw }\n${STREAMS}record:\n  - { path: "sets/{dj}-{date}.ogg", format: opus }\n`,
		'p.yaml',
	);
	assert.deepEqual(ok.diagnostics, []);
	const input = ok.profile?.input;
	assert.ok(input?.kind === 'harbor');
	assert.equal(input.host, '127.0.0.1');
	assert.deepEqual(Object.keys(input.users), ['source', 'anna']);
	assert.deepEqual(input.users.anna?.password, { kind: 'file', path: 'anna.pw' });
	assert.equal(input.maxKbps, 2000);
	assert.equal(input.takeover, false);

	assert.deepEqual(lines(`input:\n  harbor: { port: 8010, host: 0.0.0.0, mount: /dj }\n${STREAMS}`), [
		'p.yaml:2:3: input.harbor: listening on 0.0.0.0 needs a password (password_env, password_file or users): anyone who reaches the port could go on air',
	]);
	assert.deepEqual(lines(`input:\n  harbor: { port: 8010, mount: /dj }\n${STREAMS}`), [
		'p.yaml:2:3: warning: input.harbor: no password: anyone on this machine can go on air (give password_env, password_file or users)',
	]);
	assert.deepEqual(
		lines(`input:\n  harbor:\n    port: 8010\n    mount: /dj\n    password_env: A\n    password_file: b\n${STREAMS}`),
		['p.yaml:2:3: input.harbor: give one of password, password_env and password_file, not 2'],
	);
	assert.deepEqual(lines(`input:\n  harbor: { port: 8010, mount: /dj, users: { anna: {} } }\n${STREAMS}`), [
		'p.yaml:2:3: warning: input.harbor: no password: anyone on this machine can go on air (give password_env, password_file or users)',
		'p.yaml:2:46: input.harbor.users.anna: no password; give password_env or password_file',
	]);
	assert.deepEqual(lines(`input:\n  harbor: { port: 8010, mount: dj }\n${STREAMS}`), [
		'p.yaml:2:32: input.harbor.mount: "dj" is not valid: expected a path beginning with /, such as /dj',
	]);
	assert.deepEqual(lines(`${STREAMS}record:\n  - { path: "x/{dj}.ogg", format: opus }\n`), [
		"p.yaml:6:13: record[0].path: {dj} names the DJ of a harbor (input.harbor), and this profile's input is not one",
	]);
});

it("harbor ports: one an embedded server of the same files uses, or another harbor's, is refused naming both places", async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-harbor-'));
	const file = (name: string, port: number) => {
		const at = path.join(dir, `${name}.yaml`);
		writeFileSync(
			at,
			`name: ${name}\ninput:\n  harbor: { port: ${port}, mount: /dj, password_env: DJ }\nservers:\n  s: { embedded: true, port: 8002 }\nstreams:\n  - { mount: /${name}.opus, format: opus, shared: true }\n`,
		);
		return at;
	};
	const result = await loadProfileFiles([file('a', 8010), file('b', 8010), file('c', 8002)]);
	const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
	assert.deepEqual(errors, [
		`${dir}/b.yaml:3:19: input.harbor.port: 8010 is also the harbor port of ${dir}/a.yaml:3:19; each harbor needs a port of its own`,
		`${dir}/c.yaml:3:19: input.harbor.port: 8002 is the port of the embedded server at ${dir}/a.yaml:5:3; give the harbor another`,
	]);
});
