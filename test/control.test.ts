import assert from 'node:assert/strict';
import http from 'node:http';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import type { StatusSnapshot } from '@jdcast/core';
import { eventually, tempDir } from './helpers/env.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { jdcastOnce, runUp, socketFor, writeProfile } from './helpers/jdcast.js';
import { childrenOf } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { startIcecast, startJack } from './helpers/services.js';

async function status(socket: string): Promise<StatusSnapshot> {
	const { code, stdout, stderr } = await jdcastOnce(['status', '--json', '--socket', socket]);
	assert.equal(code, 0, stderr);
	return JSON.parse(stdout) as StatusSnapshot;
}

const pids = (s: StatusSnapshot) => Object.fromEntries(s.profiles.map((p) => [p.name, p.encoder.pid]));
const bytes = (s: StatusSnapshot, name: string) =>
	s.profiles.find((p) => p.name === name)?.outputs.reduce((sum, o) => sum + o.bytesSent, 0) ?? 0;

/** Holds `n` listeners open on a mount, as players would; closed after the test. */
function listen(t: TestContext, url: string, n: number): void {
	for (let i = 0; i < n; i++) {
		const request = http.get(url, (response) => response.resume());
		request.on('error', () => {});
		t.after(() => request.destroy());
	}
}

async function threeDjs(t: TestContext) {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const profile = (name: string, bitrate = 96) =>
		writeProfile(
			dir,
			name,
			`name: ${name}\n${jackInput(`jd_${name}`, jack.name)}servers:\n${serverEntry('club', icecast.port)}streams:\n  - { mount: /${name}.opus, format: opus, bitrate: ${bitrate} }\n`,
		);
	for (const name of ['anna', 'ben', 'cleo']) profile(name);
	const socket = socketFor(t);
	const up = runUp(t, [path.join(dir, '*.yaml')], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
		JDCAST_SOCKET: socket,
	});
	await up.waitLive(['/anna.opus', '/ben.opus', '/cleo.opus']);
	return { jack, icecast, dir, socket, up, profile };
}

it('status while three profiles stream: every output live, bytes growing, listener counts', async (t) => {
	const { icecast, socket, up } = await threeDjs(t);
	const first = await status(socket);
	// Three profiles on one JACK server: one watcher of its graph, not one each.
	// (Started through setpriv and stdbuf, each exec'ing the next: looked at until the chain has run.)
	const watchers = () => childrenOf(up.child.pid!).filter((p) => p.argv[0]?.endsWith('jack_evmon'));
	await eventually(() => watchers().length > 0, 'the graph watcher running');
	assert.equal(
		watchers().length,
		1,
		`jack_evmon processes: ${watchers()
			.map((p) => p.pid)
			.join(', ')}`,
	);
	assert.deepEqual(first.profiles.map((p) => p.name).sort(), ['anna', 'ben', 'cleo']);
	assert.ok(first.profiles.every((p) => p.outputs.every((o) => o.state === 'live')));
	await eventually(async () => {
		const now = await status(socket);
		return ['anna', 'ben', 'cleo'].every((name) => bytes(now, name) > bytes(first, name));
	}, 'bytes growing on every profile');

	const listeners = async (mount: string) =>
		(await status(socket)).profiles.flatMap((p) => p.outputs).find((o) => o.mount === mount)?.listeners;
	listen(t, `http://127.0.0.1:${icecast.port}/ben.opus`, 1);
	await eventually(async () => (await listeners('/ben.opus')) === 1, 'one listener counted', 15_000);
	listen(t, `http://127.0.0.1:${icecast.port}/ben.opus`, 2);
	await eventually(async () => (await listeners('/ben.opus')) === 3, 'three listeners counted', 15_000);
	assert.equal(await listeners('/anna.opus'), 0);

	const table = await jdcastOnce(['status', '--socket', socket]);
	assert.equal(table.code, 0);
	assert.match(table.stdout, /^MOUNT\s+SERVER\s+STATE\s+ON AIR\s+KBPS\s+LISTENERS\s+RECONNECTS$/m);
	// Nothing is connected to the DJs' JACK clients: their meters read digital silence.
	assert.match(table.stdout, /^ben {2}running {2}(SILENT for \d+:\d\d {2})?\[\.{12}\] {2}-inf dBFS/m);
	assert.match(table.stdout, /^ {2}\/ben\.opus\s+club\s+live\s+\d+:\d\d\s+\d+\s+3\s+0$/m);
});

it('stop and start one profile: the others keep their ffmpeg and keep sending', async (t) => {
	const { socket } = await threeDjs(t);
	const before = await status(socket);
	const stop = await jdcastOnce(['stop', 'ben', '--socket', socket]);
	assert.equal(stop.code, 0, stop.stderr);
	const stopped = await status(socket);
	assert.equal(stopped.profiles.find((p) => p.name === 'ben')?.state, 'stopped');
	await sleep(2500);
	const later = await status(socket);
	for (const name of ['anna', 'cleo']) {
		assert.equal(pids(later)[name], pids(before)[name], `${name}: same ffmpeg`);
		assert.ok(bytes(later, name) > bytes(stopped, name), `${name}: still sending`);
	}
	const start = await jdcastOnce(['start', 'ben', '--socket', socket]);
	assert.equal(start.code, 0, start.stderr);
	await eventually(
		async () => (await status(socket)).profiles.find((p) => p.name === 'ben')?.outputs[0]?.state === 'live',
		'ben live again',
	);
	const after = await status(socket);
	assert.notEqual(pids(after).ben, pids(before).ben);
	assert.equal(pids(after).anna, pids(before).anna);

	const unknown = await jdcastOnce(['stop', 'bob', '--socket', socket]);
	assert.equal(unknown.code, 1);
	assert.match(unknown.stderr, /no profile named "bob"; profiles are anna, ben, cleo/);
});

it('reload: exactly the changed, removed and added profiles change; a broken file is refused', async (t) => {
	const context = await threeDjs(t);
	const { dir, socket, profile, icecast } = context;
	const before = await status(socket);
	profile('anna', 128); // changed
	unlinkSync(path.join(dir, 'ben.yaml')); // removed
	profile('dora'); // added
	const reload = await jdcastOnce(['reload', '--socket', socket]);
	assert.equal(reload.code, 0, reload.stderr);
	assert.match(reload.stdout, /started: dora\nrestarted: anna\nstopped: ben\nunchanged: cleo/);
	const after = await status(socket);
	assert.deepEqual(after.profiles.map((p) => p.name).sort(), ['anna', 'cleo', 'dora']);
	assert.notEqual(pids(after).anna, pids(before).anna, 'anna restarted');
	assert.equal(pids(after).cleo, pids(before).cleo, 'cleo untouched');
	assert.equal(after.profiles.find((p) => p.name === 'cleo')!.outputs[0]!.reconnects, 0, 'cleo never reconnected');
	await eventually(async () => (await icecastSources(icecast.port)).has('/dora.opus'), 'dora on air');
	await eventually(async () => !(await icecastSources(icecast.port)).has('/ben.opus'), 'ben off air');

	profile('eve');
	const { up } = context;
	up.child.kill('SIGHUP');
	const hup = await up.waitForEvent(
		(e) => e.event === 'reload' && Array.isArray(e.started) && e.started.includes('eve'),
		'SIGHUP to reload',
	);
	assert.deepEqual(hup.restarted, []);

	writeFileSync(
		path.join(dir, 'cleo.yaml'),
		'name: cleo\nservers: {}\nstreams:\n  - { mount: /cleo.opus, format: aac }\n',
	);
	const refused = await jdcastOnce(['reload', '--socket', socket]);
	assert.equal(refused.code, 1);
	assert.match(refused.stderr, /reload was refused/);
	assert.match(refused.stderr, /cleo\.yaml:4:34: streams\[0\]\.format: "aac" is not one of/);
	const unchanged = await status(socket);
	assert.deepEqual(pids(unchanged), { ...pids(after), eve: pids(unchanged).eve }, 'nothing changed');
});

it('meta through the CLI: MP3 title on the server, unknown targets named', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'show',
		`name: show\n${jackInput('jd_show', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /show.mp3, format: mp3 }\n`,
	);
	const socket = socketFor(t);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), JDCAST_SOCKET: socket });
	await up.waitLive(['/show.mp3']);
	// Icecast's admin API takes a title only for a mount it lists.
	await eventually(async () => (await icecastSources(icecast.port)).has('/show.mp3'), 'the mount on the server');
	const meta = await jdcastOnce([
		'meta',
		'/show.mp3',
		'--title',
		'Hoppípolla',
		'--artist',
		'Sigur Rós',
		'--socket',
		socket,
	]);
	assert.equal(meta.code, 0, meta.stderr);
	await eventually(
		async () =>
			decodeEntities((await icecastSources(icecast.port)).get('/show.mp3')?.title) === 'Sigur Rós - Hoppípolla',
		'the title on the server',
	);
	const unknown = await jdcastOnce(['meta', '/nope.mp3', '--title', 'x', '--socket', socket]);
	assert.equal(unknown.code, 1);
	assert.match(unknown.stderr, /no running profile or mount named "\/nope\.mp3"; known: show, \/show\.mp3/);
});

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
