import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { audioStartedAt, runUp, writeProfile } from './helpers/jdcast.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { stopAndCheckRecording } from './helpers/scenario.js';
import { jackClockRate, startIcecast, startJack, startSignal } from './helpers/services.js';

it('a server unreachable from the start keeps being retried; another profile streams on', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const nowhere = await freePort();
	const dir = tempDir(t);
	const lost = writeProfile(
		dir,
		'lost',
		`${jackInput('jd_lost', jack.name)}servers:\n${serverEntry('gone', nowhere)}streams:\n  - { mount: /lost.opus, format: opus }\n`,
	);
	const fine = writeProfile(
		dir,
		'fine',
		`${jackInput('jd_fine', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /fine.opus, format: opus }\n`,
	);
	const up = runUp(t, [lost, fine], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/fine.opus']);
	// Five refused attempts: it keeps retrying, while the other profile streams.
	const retries = await up.waitForEvents((e) => e.event === 'retry' && e.profile === 'lost', 5, 'retry of lost');
	assert.ok(retries.every((e) => e.code === 'E_ICECAST_REFUSED' && String(e.cause).includes(`127.0.0.1:${nowhere}`)));
	assert.equal(up.outputState('/lost.opus'), 'retrying');
	assert.equal(up.outputState('/fine.opus'), 'live');
	assert.equal(
		up.events.filter((e) => e.event === 'output' && e.mount === '/fine.opus').length,
		1,
		'the other profile never left live',
	);
});

it('a server name that does not resolve: retried with a DNS cause, never fatal', async (t) => {
	const jack = await startJack(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'dns',
		`${jackInput('jd_dns', jack.name)}servers:\n  far:\n    host: icecast.jdcast-test.invalid\n    password: x\nstreams:\n  - { mount: /dns.opus, format: opus }\n`,
	);
	const up = runUp(t, [file]);
	const retry = await up.waitForEvent((e) => e.event === 'retry' && e.code === 'E_ICECAST_DNS', 'a DNS failure');
	assert.equal(retry.cause, 'cannot resolve host icecast.jdcast-test.invalid');
	// Never fatal: tried again after that, still with a DNS cause, and still retrying.
	const again = await up.waitForEvents((e) => e.event === 'retry' && e.mount === '/dns.opus', 2, 'retry');
	assert.equal(again[1]!.code, 'E_ICECAST_DNS');
	assert.equal(up.outputState('/dns.opus'), 'retrying');
});

it('a mount already fed by another source: retrying, then live once that source leaves', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const password = icecast.sourcePassword.reveal();
	const squatter = execa(
		'ffmpeg',
		[
			'-nostdin',
			'-loglevel',
			'error',
			'-re',
			'-f',
			'lavfi',
			'-i',
			'sine=frequency=1000',
			'-c:a',
			'libopus',
			'-content_type',
			'audio/ogg',
			'-f',
			'ogg',
			`icecast://source:${password}@127.0.0.1:${icecast.port}/taken.opus`,
		],
		{ reject: false },
	);
	t.after(() => {
		squatter.kill('SIGKILL');
	});
	await eventually(
		async () =>
			(await fetch(`http://127.0.0.1:${icecast.port}/status-json.xsl`)).text().then((s) => s.includes('/taken.opus')),
		'the other source on air',
	);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'taken',
		`${jackInput('jd_taken', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /taken.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: password });
	const inUse = await up.waitForEvent(
		(e) => e.event === 'retry' && e.code === 'E_ICECAST_MOUNT_IN_USE',
		'mountpoint in use',
	);
	assert.match(
		String(inUse.cause),
		/mountpoint in use: another source is feeding 127\.0\.0\.1:\d+\/taken\.opus \(403\)/,
	);
	assert.equal(up.outputState('/taken.opus'), 'retrying');
	squatter.kill('SIGTERM');
	await squatter;
	await up.waitLive(['/taken.opus']);
});

it('a server that accepts and never answers: that target retries; the others and the recording lose nothing', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const holePort = await fakeServer(t, (socket) => socket.pause()); // accept, never read, never answer
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'hole',
		`${jackInput('jd_hole', jack.name)}servers:\n${serverEntry('main', icecast.port)}${serverEntry('hole', holePort)}streams:\n  - { mount: /hole.opus, format: opus }\nrecord:\n  - { path: hole.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitForEvent(
		(e) => e.event === 'output' && e.server === 'main' && e.state === 'live',
		'the healthy target live',
	);
	const startedAt = await audioStartedAt(up);
	const clockRate = await jackClockRate(jack.name);
	const timeout = await up.waitForEvent(
		(e) => e.event === 'retry' && e.server === 'hole' && e.code === 'E_ICECAST_TIMEOUT',
		'the silent server to time out',
		15_000,
	);
	assert.match(String(timeout.cause), /did not answer within 5 s/);
	// The healthy target sends on after the timeout: 12 KB more by its stats lines (at 96 kbit/s at
	// most, a second or more of the stream).
	const sentToMain = () =>
		Number(up.events.filter((e) => e.event === 'stats' && e.server === 'main').at(-1)?.bytesSent ?? 0);
	const atTimeout = sentToMain();
	await up.eventually(() => sentToMain() >= atTimeout + 12_000, 'the healthy target sending on');
	assert.equal(
		up.events.filter((e) => e.event === 'output' && e.server === 'main').length,
		1,
		'the healthy target never left live',
	);
	await stopAndCheckRecording(up, path.join(dir, 'hole.opus'), startedAt, 0.03, clockRate);
});

it('a server that answers, but not as Icecast (an SSH banner): said at once, retried, the others untouched', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const sshPort = await fakeServer(t, (socket) => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'ssh',
		`${jackInput('jd_ssh', jack.name)}servers:\n${serverEntry('main', icecast.port)}${serverEntry('ssh', sshPort)}streams:\n  - { mount: /ssh.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	// "At once": refused for what it answered (E_ICECAST_HTTP), not after the 5 s answer timeout.
	const retry = await up.waitForEvent((e) => e.event === 'retry' && e.server === 'ssh', 'the odd server refused');
	assert.equal(retry.code, 'E_ICECAST_HTTP');
	assert.equal(retry.cause, `127.0.0.1:${sshPort} did not answer as an Icecast server does (no HTTP/ICE answer)`);
	await up.waitForEvent(
		(e) => e.event === 'output' && e.server === 'main' && e.state === 'live',
		'the real server live',
	);
});

it('a server that accepts the source and closes at once: backed off like any failing server (about one connection a second at most, not thousands), never shown plainly live', async (t) => {
	const icecast = await startIcecast(t);
	let connections = 0;
	const rudePort = await fakeServer(t, (socket) => {
		connections++;
		// Says 200 to the source's PUT as Icecast would, and hangs up.
		socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\n'));
	});
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'rude',
		`input: { tone: {} }\nservers:\n${serverEntry('main', icecast.port)}${serverEntry('rude', rudePort)}streams:\n  - { mount: /rude.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitForEvent((e) => e.event === 'output' && e.server === 'rude', 'the rude server tried');
	const from = connections;
	const since = performance.now();
	// Three waits announced (how long each is, is for the unit tests of the policy), then the count.
	const waits = await up.waitForEvents((e) => e.event === 'retry' && e.server === 'rude', 3, 'retry of rude');
	const counted = connections - from;
	const seconds = (performance.now() - since) / 1000;
	t.diagnostic(`${counted} connections in ${seconds.toFixed(1)} s`);
	// Backed off from 1 s: about one connection a second after the first two; a storm would be hundreds.
	assert.ok(counted >= 2 && counted <= seconds + 3, `${counted} connections in ${seconds.toFixed(1)} s`);
	const retries = waits.map((e) => Number(e.delayMs));
	assert.ok(
		retries.every((ms) => ms >= 1000),
		`waits ${retries.join(', ')} ms`,
	);
	const plain = up.events.filter((e) => e.event === 'output' && e.server === 'rude' && e.state === 'live' && !e.code);
	assert.ok(plain.length <= 2, `plainly live only before it hung up twice in a row: ${JSON.stringify(plain)}`);
	assert.equal(up.outputState('/rude.opus', 'main'), 'live', 'the real server is untouched');
});

/** A TCP server on loopback that does `onConnection` with each connection; closed after the test. Returns its port. */
async function fakeServer(t: TestContext, onConnection: (socket: net.Socket) => void): Promise<number> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => {});
		onConnection(socket);
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	t.after(() => {
		for (const s of sockets) s.destroy();
		server.close();
	});
	return port;
}
