import assert from 'node:assert/strict';
import http from 'node:http';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import type { StatusSnapshot } from '@jdcast/core';
import { tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, socketFor, writeProfile } from './helpers/jdcast.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { startIcecast, startJack } from './helpers/services.js';

// The control socket itself: its modes, who may use it, what is found at its path, hostile requests.

async function status(socket: string): Promise<StatusSnapshot> {
	const { code, stdout, stderr } = await jdcastOnce(['status', '--json', '--socket', socket]);
	assert.equal(code, 0, stderr);
	return JSON.parse(stdout) as StatusSnapshot;
}

it('the control socket: 0600, other users shut out, a stale one replaced, a live one refused', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'solo',
		`name: solo\n${jackInput('jd_solo', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /solo.opus, format: opus }\n`,
	);
	const socket = socketFor(t);
	// A stale socket, as a killed jdcast leaves it: its listener was SIGKILLed, the file stays.
	const holder = execa(process.execPath, [
		'-e',
		`require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('ready'))`,
	]);
	await new Promise((resolve) => holder.stdout!.once('data', resolve));
	holder.kill('SIGKILL');
	await holder.catch(() => {});
	assert.ok(statSync(socket).isSocket(), 'a stale socket file is there');
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), JDCAST_SOCKET: socket });
	await up.waitLive(['/solo.opus']);

	assert.equal(statSync(socket).mode & 0o777, 0o600, 'socket mode 0600');
	assert.equal(statSync(path.dirname(socket)).mode & 0o777, 0o700, 'its folder 0700');
	assert.equal((await status(socket)).profiles[0]?.name, 'solo');

	if (process.getuid?.() === 0) {
		const other = await execa(
			'setpriv',
			[
				'--reuid',
				'nobody',
				'--regid',
				'nogroup',
				'--clear-groups',
				process.execPath,
				'-e',
				`require('net').connect(${JSON.stringify(socket)}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(2); })`,
			],
			{ reject: false },
		);
		assert.equal(other.exitCode, 2, 'another user cannot connect');
		assert.match(other.stdout, /EACCES/);
	}

	const second = await jdcastOnce(['up', file, '--socket', socket], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	assert.equal(second.code, 1);
	assert.match(second.stderr, /another jdcast up is already running on .*control\.sock/);
	assert.equal(up.child.exitCode, null, 'the first one runs on');

	// A socket in a folder that exists and is shared: the socket is 0600, the folder is left alone.
	const shared = path.join(dir, 'shared');
	mkdirSync(shared, { mode: 0o755 });
	chmodSync(shared, 0o755);
	const there = await jdcastOnce(['up', file, '--socket', path.join(shared, 'x.sock'), '--seconds', '1'], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
		JACK_DEFAULT_SERVER: jack.name,
	});
	// It ran, and ends 1 only because the first one holds /solo.opus: nothing of it was on air.
	assert.equal(there.code, 1, there.stderr);
	assert.match(there.stderr, /^jdcast: nothing was on air at any moment of this run; \/solo\.opus on main/m);
	assert.equal(statSync(shared).mode & 0o777, 0o755, 'an existing folder keeps its mode');

	// A careless --socket: a regular file or a folder is never deleted; only the last folder is made.
	const precious = path.join(dir, 'notes.txt');
	writeFileSync(precious, 'keep me');
	for (const [target, message] of [
		[precious, /notes\.txt exists and is not a socket; jdcast leaves it alone/],
		[shared, /shared exists and is not a socket/],
		[path.join(dir, 'no', 'such', 'x.sock'), /cannot create the socket's folder .*no\/such: ENOENT/],
	] as const) {
		const refused = await jdcastOnce(['up', file, '--socket', target, '--seconds', '1'], {
			JD_TEST_PW: icecast.sourcePassword.reveal(),
		});
		assert.equal(refused.code, 1, refused.stderr);
		assert.match(refused.stderr, message);
		assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
	}
	assert.equal(readFileSync(precious, 'utf8'), 'keep me');
	assert.equal(existsSync(path.join(dir, 'no')), false);
	// jdcast's own default folder, planted open by someone else: refused.
	const planted = path.join(dir, `jdcast-${process.getuid?.()}`);
	mkdirSync(planted, { mode: 0o777 });
	chmodSync(planted, 0o777);
	const open = await jdcastOnce(['up', file, '--seconds', '1'], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
		TMPDIR: dir,
		JDCAST_SOCKET: '',
		XDG_RUNTIME_DIR: '',
	});
	assert.equal(open.code, 1);
	assert.match(open.stderr, /is not yours alone \(owner \d+, mode 777\)/);

	const none = await jdcastOnce(['status', '--socket', path.join(dir, 'nothing.sock')]);
	assert.equal(none.code, 3);
	assert.match(none.stderr, /no jdcast up is running on/);
});

it('hostile requests to the control API: a null body, a malformed path, a body that is not an object — each a 400 with a sentence, never a 500', async (t) => {
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'odd',
		`input: { tone: {} }\nservers:\n  nowhere: { host: 127.0.0.1, port: 9, password: x }\nstreams:\n  - { mount: /odd.opus, format: opus }\n`,
	);
	const socket = socketFor(t);
	const up = runUp(t, [file], { JDCAST_SOCKET: socket });
	await up.waitForEvent((e) => e.event === 'profile' && e.state === 'running', 'the profile running');
	const ask = (method: string, route: string, body?: string) =>
		new Promise<{ status: number; text: string }>((resolve, reject) => {
			const request = http.request(
				{ socketPath: socket, method, path: route, headers: { 'Content-Type': 'application/json' } },
				(response) => {
					let text = '';
					response.on('data', (chunk: Buffer) => (text += chunk.toString()));
					response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
				},
			);
			request.on('error', reject);
			request.end(body);
		});
	for (const [method, route, body] of [
		['POST', '/metadata', 'null'],
		['POST', '/metadata', '[1,2]'],
		['POST', '/metadata', '"title"'],
		['POST', '/profiles/%ff%fe/stop', undefined],
		['POST', '/metadata', '{"target": "odd", "title": 5}'],
	] as const) {
		const answer = await ask(method, route, body);
		assert.equal(answer.status, 400, `${method} ${route} ${body}: ${answer.text}`);
		const error = (JSON.parse(answer.text) as { error: { code: string; message: string } }).error;
		assert.equal(error.code, 'E_BAD_REQUEST');
		assert.doesNotMatch(error.message, /Cannot read|undefined|URI malformed/);
	}
});
