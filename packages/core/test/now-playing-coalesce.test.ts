import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { Tap } from '../src/fanout/tap.js';
import type { Metadata } from '../src/metadata/types.js';
import type { IcecastOutput } from '../src/outputs/icecast-output.js';
import { type Clock, realClock } from '../src/util/clock.js';
import { plan } from '../src/plan/plan.js';
import { loadProfileText } from '../src/profile/load.js';
import { Coalescer } from '../src/supervisor/coalesce.js';
import { AUDIO_PER_HEADER_BYTE, NowPlayingGate, sendNowPlaying } from '../src/supervisor/now-playing.js';

/** node:test's mock Date as the monotonic clock too: `t.mock.timers.tick` moves the timers and the time together. */
const mockClock: Clock = { ...realClock, monotonic: () => Date.now() };

/** Lets the promises settled by a tick run their callbacks (setImmediate is not mocked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function mockTime(t: TestContext) {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
}

it('coalescer: the first value at once, the latest of a burst at the end of the interval, the others said superseded', async (t) => {
	mockTime(t);
	const sent: { value: string; at: number }[] = [];
	const lane = new Coalescer((value: string) => sent.push({ value, at: Date.now() }), 1000, mockClock);
	const first = lane.offer('a');
	assert.deepEqual(sent, [{ value: 'a', at: 0 }], 'leading edge: sent before offer() returns');
	t.mock.timers.tick(100);
	const b = lane.offer('b');
	t.mock.timers.tick(100);
	const c = lane.offer('c');
	assert.deepEqual(await b, { superseded: true }, 'b is replaced by c before its turn');
	assert.deepEqual(await first, { superseded: false, result: 1 });
	t.mock.timers.tick(799);
	await settle();
	assert.equal(sent.length, 1, 'nothing before the interval is over');
	t.mock.timers.tick(1);
	await settle();
	assert.deepEqual(sent.at(-1), { value: 'c', at: 1000 }, 'trailing edge: the latest, once the interval is over');
	assert.deepEqual(await c, { superseded: false, result: 2 });
	// Quiet for longer than the interval: the next value goes out at once again.
	t.mock.timers.tick(5000);
	void lane.offer('d');
	assert.deepEqual(sent.at(-1), { value: 'd', at: 6000 });
});

it('coalescer: a slow send holds the next one back until it has finished (no race, no stale value last)', async (t) => {
	mockTime(t);
	const log: string[] = [];
	let finish: (() => void) | undefined;
	const lane = new Coalescer(
		(value: string) =>
			new Promise<void>((resolve) => {
				log.push(`start ${value} at ${Date.now()}`);
				finish = () => {
					log.push(`end ${value} at ${Date.now()}`);
					resolve();
				};
			}),
		1000,
		mockClock,
	);
	const a = lane.offer('a');
	const b = lane.offer('b');
	t.mock.timers.tick(3000);
	await settle();
	assert.deepEqual(log, ['start a at 0'], 'b waits for a, however long a takes');
	finish!();
	await a;
	await settle();
	assert.deepEqual(log, ['start a at 0', 'end a at 3000', 'start b at 3000']);
	finish!();
	assert.deepEqual(await b, { superseded: false, result: undefined });
	const failing = new Coalescer(
		() => {
			throw new Error('refused');
		},
		1000,
		mockClock,
	);
	await assert.rejects(failing.offer('x'), /refused/, "a send's failure is the offer's");
});

/** A profile with a Vorbis and an MP3 mount, its plan, real taps, and outputs that count what they send. */
function station() {
	const text =
		'name: burst\ninput: { tone: {} }\nservers:\n  main: { host: 127.0.0.1, password: x }\nstreams:\n  - { mount: /burst.ogg, format: vorbis }\n  - { mount: /burst.mp3, format: mp3 }\n';
	const { profile } = loadProfileText(text, '/tmp/burst.yaml');
	assert.ok(profile);
	const thePlan = plan(profile);
	const taps = new Map(thePlan.encoders.map((e) => [e.fd, new Tap(e.container)]));
	const counts = { links: 0, admin: 0, lastLink: '', lastAdmin: '' };
	for (const tap of taps.values()) {
		const setTags = tap.setTags.bind(tap);
		tap.setTags = (tags: Metadata) => {
			if (tap.container === 'ogg') {
				counts.links++;
				counts.lastLink = tags.title ?? '';
			}
			return setTags(tags);
		};
	}
	const outputs = thePlan.encoders.flatMap((e) =>
		e.streams.map((s) => ({
			server: { name: s.server },
			mount: s.mount,
			setMetadata: async (m: Metadata) => {
				// What reaches Icecast's admin API: an MP3 mount's change only.
				if (e.container === 'mp3') {
					counts.admin++;
					counts.lastAdmin = m.title ?? '';
				}
			},
		})),
	) as unknown as IcecastOutput[];
	return { plan: thePlan, taps, outputs, counts };
}

it('now playing: 1,000 titles in 10 s cost one Ogg link and one admin request per second, the last title last', async (t) => {
	mockTime(t);
	const { plan: thePlan, taps, outputs, counts } = station();
	const gate = new NowPlayingGate(1000, mockClock);
	const to = { profile: 'burst', plan: thePlan, taps, outputs, recordings: [], gate };
	const calls: Promise<{ results: { mount: string; superseded: boolean; ok: boolean }[] }>[] = [];
	const told: string[] = [];
	for (let i = 1; i <= 1000; i++) {
		calls.push(
			sendNowPlaying(to, { title: `Title ${i}`, artist: 'Red Team' }, undefined, (e) => told.push(e.nowPlaying)).then(
				(results) => ({ results }),
			),
		);
		t.mock.timers.tick(10);
		await settle();
	}
	t.mock.timers.tick(1000);
	await settle();
	const answers = await Promise.all(calls);
	t.diagnostic(`1,000 titles in 10 s: ${counts.links} Ogg links, ${counts.admin} admin requests`);
	assert.ok(counts.links <= 11, `at most one link a second (and the first at once): ${counts.links}`);
	assert.ok(counts.admin <= 11, `at most one admin request a second: ${counts.admin}`);
	assert.equal(counts.lastLink, 'Title 1000', 'the last title is what Ogg listeners end with');
	assert.equal(counts.lastAdmin, 'Title 1000', 'and what Icecast shows for the MP3 mount');
	const sentOnes = answers.filter((a) => a.results.some((r) => !r.superseded)).length;
	assert.equal(sentOnes, counts.links, 'each call says truthfully whether its title went out');
	assert.equal(told.length, sentOnes, 'and only a title that went out is told as an event');
	assert.ok(
		answers.every((a) => a.results.every((r) => r.ok)),
		'a superseded title has not failed',
	);
	assert.deepEqual(
		answers[0]!.results.map((r) => r.superseded),
		[false, false],
		'the first goes out at once',
	);
	assert.deepEqual(
		answers.at(-1)!.results.map((r) => r.superseded),
		[false, false],
		'the last always goes out',
	);
});

it('an Ogg encoding of few bytes a second gets its links further apart: the headers never more than a quarter of what it sends', async (t) => {
	mockTime(t);
	// A Vorbis encoding at ~32 kbps (4,000 bytes a second) whose link headers weigh 4,000 bytes.
	const { links, tap } = vorbisTap();
	const gate = new NowPlayingGate(1000, mockClock);
	for (let ms = 0; ms < 20_000; ms += 50) {
		void gate.retag(tap, { title: `at ${ms}` });
		t.mock.timers.tick(50);
		tap.bytesIn += 200;
		await settle();
	}
	const header = 4000 * links.length;
	const audio = tap.bytesIn;
	t.diagnostic(`20 s of changes every 50 ms: ${links.length} links at ${links.map((l) => l / 1000).join(', ')} s`);
	assert.equal(links[0], 0, 'the first at once');
	for (const [i, at] of links.entries())
		if (i > 0)
			assert.ok(
				at - links[i - 1]! >= AUDIO_PER_HEADER_BYTE * 1000 - 50,
				`links ${i - 1} and ${i} as far apart as the audio pays for (${at - links[i - 1]!} ms)`,
			);
	assert.ok(
		header / (header + audio) <= 1 / (AUDIO_PER_HEADER_BYTE + 1) + 0.02,
		`headers ${header} B of ${header + audio} B`,
	);
});

it('an encoder that stops sending holds no title back: the last title goes out within a second or two; a closed gate leaves nothing waiting', async (t) => {
	mockTime(t);
	const { links, tap } = vorbisTap();
	const gate = new NowPlayingGate(1000, mockClock);
	void gate.retag(tap, { title: 'A' });
	// Half a second of audio, then ffmpeg dies (JACK gone): the link B waits for will never be paid for.
	for (let ms = 0; ms < 500; ms += 50) {
		t.mock.timers.tick(50);
		tap.bytesIn += 200;
		await settle();
	}
	const b = gate.retag(tap, { title: 'B' });
	for (let ms = 0; ms < 3000 && links.length < 2; ms += 100) {
		t.mock.timers.tick(100);
		await settle();
	}
	assert.equal(links.length, 2, 'B went out with no audio to pay for it');
	assert.ok(links[1]! <= 3000, `B at ${links[1]} ms`);
	assert.deepEqual(await b, { superseded: false, result: true });

	// Stopped while a title waits for its turn: it says it never went out, and no timer is left.
	const c = gate.retag(tap, { title: 'C' });
	gate.close();
	assert.deepEqual(await c, { superseded: true });
	assert.deepEqual(await gate.retag(tap, { title: 'D' }), { superseded: true }, 'a closed gate takes nothing');
	t.mock.timers.tick(60_000);
	await settle();
	assert.equal(links.length, 2);
});

/** An Ogg encoding's tap whose link headers weigh 4,000 bytes (Vorbis), with the moments links were made. */
function vorbisTap(): { links: number[]; tap: Tap & { bytesIn: number } } {
	const links: number[] = [];
	const tap = {
		container: 'ogg',
		bytesIn: 0,
		headerPages: [Buffer.alloc(4000)],
		setTags: () => links.push(Date.now()) > 0,
	} as unknown as Tap & { bytesIn: number };
	return { links, tap };
}
