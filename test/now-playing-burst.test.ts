import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { connectController, type MetadataResult } from '@jdcast/core';
import { eventually, tempDir } from './helpers/env.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { startIcecast, startJack, startSignal } from './helpers/services.js';

/** A listener of a mount that notes when each chunk came: bytes per second over any window afterwards. */
function listen(t: TestContext, url: string) {
	const chunks: { at: number; bytes: number }[] = [];
	const request = http.get(url, (response) =>
		response.on('data', (c: Buffer) => chunks.push({ at: Date.now(), bytes: c.length })),
	);
	request.on('error', () => {});
	t.after(() => request.destroy());
	return {
		get total() {
			return chunks.reduce((sum, c) => sum + c.bytes, 0);
		},
		/** Kilobits a second the listener received between `from` and `to` (epoch ms). */
		kbps(from: number, to: number): number {
			const bytes = chunks.filter((c) => c.at >= from && c.at < to).reduce((sum, c) => sum + c.bytes, 0);
			return (bytes * 8) / (to - from);
		},
	};
}

/** Icecast's admin API requests for metadata so far, from its access log (which leaves out the query: the mount). */
function adminRequests(dir: string): number {
	const log = readFileSync(path.join(dir, 'log', 'access.log'), 'utf8');
	return log.split('\n').filter((l) => l.includes('"GET /admin/metadata ')).length;
}

it('1,000 titles in 10 s through the API: the Vorbis mount stays near its own rate, the MP3 mount gets one admin request a second', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	// No burst on connect: what the listener gets is the stream's own rate from its first byte.
	const icecast = await startIcecast(t, { burstOnConnect: false });
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'burst',
		`${jackInput('jd_burst', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /burst.ogg, format: vorbis }\n  - { mount: /burst.mp3, format: mp3 }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/burst.ogg', '/burst.mp3']);
	await eventually(
		async () => (await icecastSources(icecast.port)).has('/burst.ogg'),
		'the Vorbis mount on the server',
	);
	const listener = listen(t, `http://127.0.0.1:${icecast.port}/burst.ogg`);
	await eventually(() => listener.total > 0, 'the listener hearing the stream');
	const idleFrom = Date.now();
	await eventually(() => Date.now() - idleFrom >= 5000, 'five seconds of the idle stream');
	const idleTo = Date.now();
	const adminBefore = adminRequests(icecast.dir);

	const control = connectController(up.socket);
	const calls: Promise<MetadataResult[]>[] = [];
	const burstFrom = Date.now();
	let open = 0;
	for (let i = 1; i <= 1000; i++) {
		// At most 50 requests open at once (more find the socket's queue full on a loaded machine).
		await eventually(() => open < 50, 'a request answered', 30_000);
		open++;
		calls.push(control.setMetadata('burst', { title: `Title ${i}`, artist: 'Red Team' }).finally(() => open--));
		// 100 a second, on the wall clock: a loaded machine sends the rest sooner, not later.
		const due = burstFrom + i * 10;
		if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
	}
	const answers = await Promise.all(calls);
	const burstTo = Date.now();
	// The last title is the one on air, on both mounts.
	await eventually(async () => {
		const sources = await icecastSources(icecast.port);
		return (
			sources.get('/burst.ogg')?.title === 'Title 1000' &&
			decodeEntities(sources.get('/burst.mp3')?.title) === 'Red Team - Title 1000'
		);
	}, 'the last title on both mounts').catch(async (error: Error) => {
		const sources = await icecastSources(icecast.port);
		throw new Error(
			`${error.message}: ogg ${sources.get('/burst.ogg')?.title}, mp3 ${sources.get('/burst.mp3')?.title}; last answer ${JSON.stringify(answers.at(-1))}`,
		);
	});
	const afterTo = Date.now();

	const perSecond: string[] = [];
	for (let at = idleFrom; at + 1000 <= afterTo; at += 1000) perSecond.push(listener.kbps(at, at + 1000).toFixed(0));
	t.diagnostic(
		`per second from the idle window on: ${perSecond.join(' ')}; burst from +${((burstFrom - idleFrom) / 1000).toFixed(1)} s`,
	);
	const idle = listener.kbps(idleFrom, idleTo);
	const burst = listener.kbps(burstFrom, afterTo);
	const admin = adminRequests(icecast.dir) - adminBefore;
	// Each mount's own count: a call can go out on one and be superseded on the other (their turns differ).
	const sentTo = (mount: string) =>
		answers.filter((results) => results.some((r) => r.mount === mount && !r.superseded)).length;
	const [sentOgg, sentMp3] = [sentTo('/burst.ogg'), sentTo('/burst.mp3')];
	t.diagnostic(
		`burst of ${((burstTo - burstFrom) / 1000).toFixed(1)} s: Vorbis listener ${burst.toFixed(1)} kbps (idle ${idle.toFixed(1)} kbps, ${(burst / idle).toFixed(2)}×); ${admin} admin requests; of 1000 titles ${sentOgg} went out on /burst.ogg and ${sentMp3} on /burst.mp3, the others superseded`,
	);
	assert.ok(
		burst < 2 * idle,
		`the Vorbis mount within 2× of its idle rate: ${burst.toFixed(1)} vs ${idle.toFixed(1)} kbps`,
	);
	const seconds = (burstTo - burstFrom) / 1000;
	assert.ok(admin <= Math.ceil(seconds) + 1, `at most one admin request a second: ${admin} in ${seconds.toFixed(1)} s`);
	assert.ok(
		answers.every((results) => results.every((r) => r.ok)),
		'no call failed',
	);
	assert.deepEqual(
		answers.at(-1)!.map((r) => r.superseded),
		[false, false],
		'the last title went out on both mounts',
	);
	assert.ok(sentOgg <= Math.ceil(seconds) + 1, `at most one title a second went out on /burst.ogg (${sentOgg})`);
	assert.equal(sentMp3, admin, 'each title said to have gone out to /burst.mp3 is one admin request');
	assert.equal(
		up.events.filter((e) => e.event === 'output' && e.state !== 'live').length,
		0,
		'no mount left live: no reconnect',
	);
});
