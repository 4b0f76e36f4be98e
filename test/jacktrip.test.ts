import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import type { StatusSnapshot } from '@jdcast/core';
import { execa } from 'execa';
import { parse, parseDocument } from 'yaml';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { ended, jackTripHub, jackTripServer, joinAsPeer } from './helpers/jacktrip.js';
import { jdcastOnce, runUp, type RunningJdcast } from './helpers/jdcast.js';
import { startJack, startSignal } from './helpers/services.js';
import { absent, heard, listenForTones } from './helpers/tones.js';

// The seed's networked scenarios as docs/jacktrip.md tells them, with the real JackTrip: two JACK
// servers on this machine stand for the broadcasting host and a musician's (or several
// musicians') computer. The musician's instrument is jack_simple_client: 240 Hz on its first
// output, 720 Hz on its second.
const LOW = 240;
const HIGH = 720;
const TONE = { low: 'jack_simple_client:output1', high: 'jack_simple_client:output2' } as const;

/**
 * An example of examples/jacktrip/ as docs/jacktrip.md runs it, moved onto this test's JACK server
 * and a free port (`port`: the same one for profiles that share a mount).
 */
function example(dir: string, name: string, jack: string, port: number): string {
	const doc = parseDocument(readFileSync(new URL(`../examples/jacktrip/${name}`, import.meta.url), 'utf8'));
	doc.setIn(['input', 'jack', 'server'], jack);
	const servers = doc.getIn(['servers']) as { items: { key: { value: string } }[] };
	for (const { key } of servers.items) doc.setIn(['servers', key.value, 'port'], port);
	const file = path.join(dir, name);
	writeFileSync(file, String(doc));
	return file;
}

it('docs/jacktrip.md shows each example profile as the file has it, and every command it prints exists', () => {
	const doc = readFileSync(new URL('../docs/jacktrip.md', import.meta.url), 'utf8');
	const shown = [...doc.matchAll(/\[`examples\/jacktrip\/([a-z-]+\.yaml)`\][^]*?```yaml\n([^]*?)```/g)];
	assert.deepEqual(
		shown.map((m) => m[1]),
		['jam.yaml', 'dj-anna.yaml', 'studio.yaml', 'podcast.yaml'],
	);
	for (const [, name, yaml] of shown)
		assert.deepEqual(
			parse(yaml!),
			parse(readFileSync(new URL(`../examples/jacktrip/${name}`, import.meta.url), 'utf8')),
			name,
		);
	for (const [, command] of doc.matchAll(/npx jdcast ([a-z-]+)/g))
		assert.ok(['up', 'handover', 'disconnect', 'connect', 'status'].includes(command!), command);
});

/** Two hosts: the broadcasting one (A) and a musician's (B), whose instrument plays. */
async function twoHosts(t: TestContext) {
	const a = await startJack(t);
	const b = await startJack(t);
	await startSignal(t, b.name);
	return { a: a.name, b: b.name, dir: tempDir(t), port: await freePort() };
}

const logged = (up: RunningJdcast, text: string) =>
	up.events.filter((e) => e.event === 'log' && String(e.message).includes(text)).length;

async function status(up: RunningJdcast): Promise<StatusSnapshot> {
	return JSON.parse((await jdcastOnce(['status', '--json', '--socket', up.socket])).stdout) as StatusSnapshot;
}

it('scenario 1, a distributed jam: jdcast before the peer; the peer joins, leaves and rejoins, JackTrip restarts: the tone is back each time', async (t) => {
	const { a, b, dir, port } = await twoHosts(t);
	const up = runUp(t, [example(dir, 'jam.yaml', a, port)]);
	await up.waitLive(['/jam.opus', '/jam.mp3']);
	const jackTripPort = await freePort();
	let host = await jackTripServer(t, a, jackTripPort); // JackTrip waits for its peer: its ports refuse connections
	const listener = listenForTones(t, `http://127.0.0.1:${port}/jam.opus`, [LOW, HIGH]);
	await listener.until('silence before the peer', (l) => absent(l.left, LOW) && absent(l.right, HIGH));
	assert.equal(logged(up, 'connected JackTrip'), 0, 'nothing said connected while JackTrip had no peer');

	const join = () => joinAsPeer(t, b, { port: jackTripPort, local: 'remote', sends: [TONE.low, TONE.high] });
	const joinedAt = Date.now();
	let peer = await join();
	const peerThere = Date.now();
	const both = (what: string) =>
		listener.until(
			`the peer's tones ${what}`,
			(l) => heard(l.left, LOW) && heard(l.right, HIGH) && absent(l.left, HIGH),
		);
	await both('once the peer joined');
	// A measure, not a limit (latencies are the bench's): the issue asks for under 5 s.
	t.diagnostic(
		`the peer's tones decoded ${((Date.now() - peerThere) / 1000).toFixed(1)} s after JackTrip said the peer was there`,
	);
	assert.equal(logged(up, 'connected JackTrip:receive_1 -> jd_jam:input_1'), 1, 'said once');
	const saidAt = up.events.find((e) => e.event === 'log' && String(e.message).startsWith('connected JackTrip'))?.time;
	assert.ok(Date.parse(String(saidAt)) >= joinedAt, 'said connected only once the peer was there');

	// The peer leaves: peer-to-peer JackTrip ends with it, and the host's loop starts it again.
	await peer.stop();
	await ended(host);
	await listener.until('silence once the peer left', (l) => absent(l.left, LOW));
	host = await jackTripServer(t, a, jackTripPort);
	peer = await join();
	await both('after the peer rejoined');

	// JackTrip restarted on the broadcasting side: the peer's ends too, and joins again.
	await host.stop();
	await ended(peer);
	host = await jackTripServer(t, a, jackTripPort);
	peer = await join();
	await both('after JackTrip was restarted on the broadcasting side');

	// Someone removes a rule's connection by hand: made again, said again.
	const before = logged(up, 'connected JackTrip:receive_1');
	await execa('jack_disconnect', ['JackTrip:receive_1', 'jd_jam:input_1'], { env: { JACK_DEFAULT_SERVER: a } });
	await up.waitForEvent(() => logged(up, 'connected JackTrip:receive_1') > before, 'the rule connection made again');
	await both('after a rule connection was removed by hand');
	// A peer leaving drops JackTrip's connections a moment before its ports: no fight to warn about.
	assert.equal(logged(up, 'something keeps removing'), 0);
	assert.deepEqual(listener.decodeErrors, []);
});

it('scenario 2, multi-location DJs: two DJs on the hub under their names, handed over on one shared mount', async (t) => {
	const { a, b, dir, port } = await twoHosts(t);
	const hubPort = await freePort();
	await jackTripHub(t, a, hubPort);
	await joinAsPeer(t, b, { port: hubPort, hub: 'anna', local: 'anna_local', sends: [TONE.low, TONE.low] });
	await joinAsPeer(t, b, { port: hubPort, hub: 'ben', local: 'ben_local', sends: [TONE.high, TONE.high] });
	const up = runUp(t, [example(dir, 'dj-anna.yaml', a, port), example(dir, 'dj-ben.yaml', a, port)]);
	// Both started together: whoever reaches Icecast first is on air, the other waits (never "external").
	const first = await up.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source !== null,
		'a DJ on air',
		30_000,
	);
	assert.match(String(first.source), /^dj-(anna|ben)$/);
	const [from, to] = first.source === 'dj-anna' ? ['dj-anna', 'dj-ben'] : ['dj-ben', 'dj-anna'];
	const tone = { 'dj-anna': LOW, 'dj-ben': HIGH } as Record<string, number>;
	const listener = listenForTones(t, `http://127.0.0.1:${port}/live.opus`, [LOW, HIGH]);
	const onAir = (dj: string) => {
		const other = tone[dj] === LOW ? HIGH : LOW;
		return listener.until(`${dj} alone`, (l) => heard(l.left, tone[dj]!) && absent(l.left, other));
	};
	await onAir(from);
	const handover = await jdcastOnce(['handover', from, to, '--socket', up.socket]);
	assert.equal(handover.code, 0, handover.stderr);
	await onAir(to);
	await eventually(
		async () => (await status(up)).mounts.find((m) => m.mount === '/live.opus')?.servers[0]?.source === to,
		`jdcast status naming ${to} on air`,
	);
	assert.deepEqual(listener.decodeErrors, []);
});

it('scenario 3, a studio with remote collaborators: every peer of the hub by pattern, one taken off and back, one leaving', async (t) => {
	const { a, b, dir, port } = await twoHosts(t);
	const hubPort = await freePort();
	await jackTripHub(t, a, hubPort);
	const up = runUp(t, [example(dir, 'studio.yaml', a, port)]);
	await up.waitLive(['/studio.opus']);
	const listener = listenForTones(t, `http://127.0.0.1:${port}/studio.opus`, [LOW, HIGH]);
	// Names not known in advance: the pattern takes whoever joins.
	await joinAsPeer(t, b, { port: hubPort, hub: 'anna', local: 'anna_local', sends: [TONE.low, TONE.low] });
	const ben = await joinAsPeer(t, b, { port: hubPort, hub: 'ben', local: 'ben_local', sends: [TONE.high, TONE.high] });
	const mix = () =>
		listener.until(
			'both collaborators, mixed',
			(l) => heard(l.left, LOW) && heard(l.left, HIGH) && heard(l.right, HIGH),
		);
	await mix();

	const off = await jdcastOnce(['disconnect', 'studio', 'ben', '--socket', up.socket]);
	assert.equal(off.code, 0, off.stderr);
	assert.match(off.stdout, /^studio hears: system, anna\nkept off until its next start or reload: ben\n$/);
	await listener.until('anna without ben', (l) => heard(l.left, LOW) && absent(l.left, HIGH));
	assert.deepEqual((await status(up)).profiles[0]?.jack?.held, ['ben']);
	const typo = await jdcastOnce(['disconnect', 'studio', 'bne', '--socket', up.socket]);
	assert.equal(typo.code, 1);
	assert.equal(
		typo.stderr,
		'jdcast: JACK client "bne" feeds nothing into studio, was not seen in this run, and no connect rule names it\n',
	);
	const back = await jdcastOnce(['connect', 'studio', 'ben', '--socket', up.socket]);
	assert.equal(back.code, 0, back.stderr);
	await mix();

	await ben.stop();
	await listener.until('anna staying after ben left', (l) => heard(l.left, LOW) && absent(l.left, HIGH));
	assert.deepEqual(listener.decodeErrors, []);
});

it('scenario 4, a podcast over JackTrip: the guest in the mono stream and in the recording; the spoken status names format and bitrate', async (t) => {
	const { a, b, dir, port } = await twoHosts(t);
	const jackTripPort = await freePort();
	await jackTripServer(t, a, jackTripPort);
	await joinAsPeer(t, b, { port: jackTripPort, local: 'remote', sends: [TONE.low, TONE.high] });
	// Started after the guest joined: connected at once.
	const up = runUp(t, [example(dir, 'podcast.yaml', a, port)]);
	await up.waitLive(['/podcast.opus']);
	const listener = listenForTones(t, `http://127.0.0.1:${port}/podcast.opus`, [LOW, HIGH]);
	// One channel: both of the guest's channels summed into it (a mono listener hears both).
	await listener.until(
		'the guest, summed to mono',
		(l) => heard(l.left, LOW) && heard(l.left, HIGH) && heard(l.right, LOW),
	);

	const spoken = await execa(
		process.execPath,
		[
			new URL('../packages/cli/bin/jdcast.mjs', import.meta.url).pathname,
			'jackdaw',
			'say',
			'stream status',
			'--config',
			'-',
		],
		{ input: JSON.stringify({ socket: up.socket }), reject: false },
	);
	assert.match(JSON.parse(spoken.stdout).reply, /^Streaming Opus at 64 kilobits to podcast dot opus on /);
	// Listener counts are asked of Icecast every few seconds: the line once it knows the one listening.
	await eventually(async () => {
		const summary = await jdcastOnce(['status', '--socket', up.socket]);
		return /^streaming Opus at 64 kbps to \/podcast\.opus on local, 1 listener, on air \d+:\d\d\n/.test(summary.stdout);
	}, "jdcast status's first line with format, bitrate and the listener");

	assert.equal(await up.stop('SIGTERM'), 0);
	const recordings = readdirSync(path.join(dir, 'recordings')).filter((f) => f.endsWith('.flac'));
	assert.equal(recordings.length, 1, recordings.join(', '));
	const episode = listenForTones(t, path.join(dir, 'recordings', recordings[0]!), [LOW, HIGH]);
	await episode.until('the guest in the recording', (l) => heard(l.left, LOW) && heard(l.left, HIGH));
	assert.deepEqual(episode.decodeErrors, []);
});
