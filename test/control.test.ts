import assert from 'node:assert/strict';
import http from 'node:http';
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import type { StatusSnapshot } from '@jdcast/core';
import { tempDir } from './helpers/env.js';
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
	await up.eventually(() => watchers().length > 0, 'the graph watcher running');
	assert.equal(
		watchers().length,
		1,
		`jack_evmon processes: ${watchers()
			.map((p) => p.pid)
			.join(', ')}`,
	);
	assert.deepEqual(first.profiles.map((p) => p.name).sort(), ['anna', 'ben', 'cleo']);
	assert.ok(first.profiles.every((p) => p.outputs.every((o) => o.state === 'live')));
	await up.eventually(async () => {
		const now = await status(socket);
		return ['anna', 'ben', 'cleo'].every((name) => bytes(now, name) > bytes(first, name));
	}, 'bytes growing on every profile');

	const listeners = async (mount: string) =>
		(await status(socket)).profiles.flatMap((p) => p.outputs).find((o) => o.mount === mount)?.listeners;
	listen(t, `http://127.0.0.1:${icecast.port}/ben.opus`, 1);
	await up.eventually(async () => (await listeners('/ben.opus')) === 1, 'one listener counted', 15_000);
	listen(t, `http://127.0.0.1:${icecast.port}/ben.opus`, 2);
	await up.eventually(async () => (await listeners('/ben.opus')) === 3, 'three listeners counted', 15_000);
	assert.equal(await listeners('/anna.opus'), 0);

	const table = await jdcastOnce(['status', '--socket', socket]);
	assert.equal(table.code, 0);
	assert.match(table.stdout, /^MOUNT\s+SERVER\s+STATE\s+ON AIR\s+KBPS\s+LISTENERS\s+RECONNECTS$/m);
	// Nothing is connected to the DJs' JACK clients: their meters read digital silence.
	assert.match(table.stdout, /^ben {2}running {2}(SILENT for \d+:\d\d {2})?\[\.{12}\] {2}-inf dBFS/m);
	assert.match(table.stdout, /^ {2}\/ben\.opus\s+club\s+live\s+\d+:\d\d\s+\d+\s+3\s+0$/m);
});

it('stop and start one profile: the others keep their ffmpeg and keep sending', async (t) => {
	const { socket, up } = await threeDjs(t);
	const before = await status(socket);
	const stop = await jdcastOnce(['stop', 'ben', '--socket', socket]);
	assert.equal(stop.code, 0, stop.stderr);
	const stopped = await status(socket);
	assert.equal(stopped.profiles.find((p) => p.name === 'ben')?.state, 'stopped');
	// Still sending: a stats line of each after the stop with more bytes than the stop saw. (No cable
	// to the DJs' clients: digital silence, which Opus sends in few bytes.)
	const from = up.events.length;
	for (const name of ['anna', 'cleo'])
		await up.waitForEvent(
			(e) =>
				up.events.indexOf(e) >= from &&
				e.event === 'stats' &&
				e.profile === name &&
				Number(e.bytesSent) > bytes(stopped, name),
			`${name} still sending`,
		);
	const later = await status(socket);
	assert.equal(later.profiles.find((p) => p.name === 'ben')?.state, 'stopped');
	for (const name of ['anna', 'cleo']) assert.equal(pids(later)[name], pids(before)[name], `${name}: same ffmpeg`);
	const start = await jdcastOnce(['start', 'ben', '--socket', socket]);
	assert.equal(start.code, 0, start.stderr);
	await up.eventually(
		async () => (await up.status()).profiles.find((p) => p.name === 'ben')?.outputs[0]?.state === 'live',
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
	const { dir, socket, profile, icecast, up } = context;
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
	await up.eventually(async () => (await icecastSources(icecast.port)).has('/dora.opus'), 'dora on air');
	await up.eventually(async () => !(await icecastSources(icecast.port)).has('/ben.opus'), 'ben off air');

	profile('eve');
	up.child.kill('SIGHUP');
	const hup = await up.waitForEvent(
		(e) => e.event === 'reload' && Array.isArray(e.started) && e.started.includes('eve'),
		'SIGHUP to reload',
	);
	assert.deepEqual(hup.restarted, []);

	writeFileSync(
		path.join(dir, 'cleo.yaml'),
		'name: cleo\nservers: {}\nstreams:\n  - { mount: /cleo.opus, format: wma }\n',
	);
	const refused = await jdcastOnce(['reload', '--socket', socket]);
	assert.equal(refused.code, 1);
	assert.match(refused.stderr, /reload was refused/);
	assert.match(refused.stderr, /cleo\.yaml:4:34: streams\[0\]\.format: "wma" is not one of/);
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
	await up.eventually(async () => (await icecastSources(icecast.port)).has('/show.mp3'), 'the mount on the server');
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
	await up.eventually(
		async () =>
			decodeEntities((await icecastSources(icecast.port)).get('/show.mp3')?.title) === 'Sigur Rós - Hoppípolla',
		'the title on the server',
	);
	const unknown = await jdcastOnce(['meta', '/nope.mp3', '--title', 'x', '--socket', socket]);
	assert.equal(unknown.code, 1);
	assert.match(unknown.stderr, /no running profile or mount named "\/nope\.mp3"; known: show, \/show\.mp3/);
});
