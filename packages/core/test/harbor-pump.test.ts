import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { PcmPump } from '../src/harbor/pump.js';
import { mockTime } from './mock-clock.js';

const RATE = 48_000;
const FRAME = 2 * 4; // stereo, 32-bit float

/** What ffmpeg's stdin would get: every write, told apart as the DJ's (non-zero) or silence. */
function stdin() {
	const writes: Buffer[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			writes.push(chunk);
			done();
		},
	});
	const frames = () => writes.reduce((n, w) => n + w.length / FRAME, 0);
	const djFrames = () =>
		writes.reduce((n, w) => {
			let count = 0;
			for (let i = 0; i < w.length; i += FRAME) if (w.readFloatLE(i) !== 0) count++;
			return n + count;
		}, 0);
	return { sink, frames, djFrames };
}

/** The pump's events, in order. */
function heard(pump: PcmPump): string[] {
	const events: string[] = [];
	for (const name of ['playing', 'dry', 'drained'] as const) pump.on(name, () => events.push(name));
	return events;
}

/** `ms` of the DJ's audio: a constant non-zero sample, so that it is told from the silence. */
const djAudio = (ms: number) => {
	const pcm = Buffer.alloc(((ms * RATE) / 1000) * FRAME);
	for (let i = 0; i < pcm.length; i += 4) pcm.writeFloatLE(0.25, i);
	return pcm;
};

it('harbor pump: silence in real time while no DJ sends, their audio after a 250 ms pre-roll, then silence again once it has all gone out', async (t) => {
	const time = mockTime(t);
	const pump = new PcmPump(RATE, 2, time.clock);
	const out = stdin();
	const events = heard(pump);
	pump.attach(out.sink);
	await time.advance(1000);
	assert.ok(Math.abs(out.frames() - RATE) <= 960, `a second of silence in a second: ${out.frames()} frames`);
	assert.equal(out.djFrames(), 0);

	pump.begin();
	pump.push(djAudio(200), () => {});
	await time.advance(100);
	assert.deepEqual(events, [], 'less than the pre-roll held: not yet');
	pump.push(djAudio(800), () => {});
	await time.advance(20);
	assert.deepEqual(events, ['playing']);
	await time.advance(500);
	pump.end();
	await time.advance(1000);
	assert.deepEqual(events, ['playing', 'drained'], 'the DJ left: what was held still went out, then drained');
	assert.equal(out.djFrames(), RATE, 'every frame of the DJ second went out, none twice');
	pump.stop();
});

it('harbor pump: a DJ whose audio runs out is told (dry) and plays again after a pre-roll twice as long; one who leaves while waiting for more has the rest played out', async (t) => {
	const time = mockTime(t);
	const pump = new PcmPump(RATE, 2, time.clock);
	const out = stdin();
	const events = heard(pump);
	pump.attach(out.sink);
	pump.begin();
	pump.push(djAudio(300), () => {});
	await time.advance(600);
	assert.deepEqual(events, ['playing', 'dry']);
	assert.equal(pump.playing, true, 'still the DJ on air while more is awaited');
	pump.push(djAudio(300), () => {});
	await time.advance(100);
	assert.deepEqual(events, ['playing', 'dry'], 'under the doubled pre-roll (500 ms): still waiting');
	pump.push(djAudio(300), () => {});
	await time.advance(40);
	assert.deepEqual(events, ['playing', 'dry', 'playing']);
	await time.advance(1000);
	pump.push(djAudio(200), () => {});
	pump.end();
	await time.advance(400);
	assert.equal(events.at(-1), 'drained');
	assert.equal(out.djFrames(), (1100 * RATE) / 1000, 'every frame the DJ sent went out, the last 200 ms too');
	pump.stop();
});

it('harbor pump: more than 3 s held stops reading the DJ until half of it has gone', async (t) => {
	const time = mockTime(t);
	const pump = new PcmPump(RATE, 2, time.clock);
	pump.attach(stdin().sink);
	pump.begin();
	let resumed = 0;
	assert.equal(
		pump.push(djAudio(2000), () => resumed++),
		true,
	);
	assert.equal(
		pump.push(djAudio(1500), () => resumed++),
		false,
		'over 3 s held: the caller pauses',
	);
	await time.advance(1000);
	assert.equal(resumed, 0, 'still more than 1.5 s held');
	await time.advance(1200);
	assert.equal(resumed, 1, 'read again once under 1.5 s is held');
	pump.stop();
});

it('harbor pump: after the event loop was away for 3 s it makes up at most 200 ms at once, and a new ffmpeg is paced afresh', async (t) => {
	const time = mockTime(t);
	const pump = new PcmPump(RATE, 2, time.clock);
	const out = stdin();
	pump.attach(out.sink);
	await time.advance(100);
	const before = out.frames();
	// The clock moves 3 s while no timer runs (a frozen loop); the next step writes what is due, capped.
	t.mock.timers.setTime(Date.now() + 3000);
	await time.advance(20);
	const burst = out.frames() - before;
	assert.ok(
		burst <= ((200 + 20) * RATE) / 1000,
		`no 3 s burst into ffmpeg (200 ms, then the next 20 ms step): ${burst} frames`,
	);
	const again = stdin();
	pump.attach(again.sink);
	await time.advance(1000);
	assert.ok(Math.abs(again.frames() - RATE) <= 960, `a new ffmpeg gets a second in a second: ${again.frames()}`);
	pump.stop();
});
