import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { AudioWatch } from '../src/signal/audio-watch.js';
import type { SilenceEvent } from '../src/status/types.js';

/** Three seconds of a stereo 32-bit float WAV stream, as ffmpeg writes the meter's copy. */
async function wav(source: string): Promise<Buffer> {
	const { stdout } = await execa(
		'ffmpeg',
		[
			'-v',
			'error',
			'-f',
			'lavfi',
			'-i',
			`${source}:sample_rate=48000:duration=3`,
			'-ac',
			'2',
			'-c:a',
			'pcm_f32le',
			'-f',
			'wav',
			'-',
		],
		{ encoding: 'buffer' },
	);
	return Buffer.from(stdout as Uint8Array);
}

/** What the watch says of an air copy and an input copy fed to it; `processing` as the profile says. */
async function watch(processing: boolean, air: Buffer, input: Buffer) {
	const abort = new AbortController();
	const audio = new AudioWatch(
		'p',
		{ threshold: -50, after: 1, takeBack: 3, action: 'alarm' },
		abort.signal,
		processing,
	);
	const events: SilenceEvent[] = [];
	audio.on('silence', (e) => events.push(e));
	audio.on('log', () => {});
	const [a, i] = [new PassThrough(), new PassThrough()];
	audio.attach(a);
	audio.attachInput(i);
	a.end(air);
	i.end(input);
	await new Promise((r) => setImmediate(r));
	abort.abort();
	return { events, status: audio.status() };
}

describe('AudioWatch with loudness control', () => {
	it('tells dead air from the input, not from the air the gain control lifted: a hiss made audible is still dead air', async () => {
		// The input: a hiss at about -65 dBFS; the air: the same lifted 24 dB, over the -50 dBFS threshold.
		const [hiss, lifted] = await Promise.all([
			wav('anoisesrc=color=white:amplitude=0.0008'),
			wav('anoisesrc=color=white:amplitude=0.0127'),
		]);
		const processed = await watch(true, lifted, hiss);
		assert.deepEqual(
			processed.events.map((e) => e.state),
			['started'],
		);
		assert.ok(processed.status?.input, 'the input level is in the status');
		// Without processing the air is the input: the same lifted signal is sound.
		const plain = await watch(false, lifted, hiss);
		assert.deepEqual(plain.events, []);
	});
});
