import assert from 'node:assert/strict';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { inDir, openCapture } from './helpers/listener.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

/**
 * Speech-like programme for the test: pink noise in speech's band (100 Hz–8 kHz, which every codec here
 * keeps whole) whose level steps every `every` seconds between two
 * gains (or holds one), written once as a WAV that the profile plays in a loop.
 */
async function pinkNoise(file: string, gains: number[], every: number): Promise<string> {
	const level = gains.length === 1 ? String(gains[0]) : `if(lt(mod(t,${2 * every}),${every}),${gains[0]},${gains[1]})`;
	await execa('ffmpeg', [
		...['-v', 'error', '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=1:r=48000:d=${2 * every}:seed=7`],
		...[
			'-af',
			`highpass=f=100,lowpass=f=8000,volume='${level}':eval=frame,aformat=channel_layouts=stereo`,
			'-c:a',
			'pcm_s24le',
			'-y',
			file,
		],
	]);
	return file;
}

/** Short-term loudness every 100 ms and the true peak of a decoded file, by ffmpeg's own EBU R128 meter. */
async function r128(file: string): Promise<{ shortTerm: number[]; integrated: number; truePeak: number }> {
	const { stderr } = await execa('ffmpeg', ['-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
	const shortTerm = [...stderr.matchAll(/ S: *(-?[\d.]+|-inf)/g)].map((m) => Number(m[1]));
	const integrated = Number(/I: +(-?[\d.]+) LUFS\s+Threshold/.exec(stderr)?.[1]);
	const truePeak = Number(/True peak:\s+Peak: +(-?[\d.]+|-inf) dBFS/.exec(stderr)?.[1]);
	return { shortTerm, integrated, truePeak };
}

type Up = ReturnType<typeof runUp>;

async function listen(
	t: TestContext,
	input: string,
	seconds: number,
	during: (up: Up) => Promise<unknown> = async () => {},
) {
	const icecast = await startIcecast(t);
	const dir = path.dirname(input);
	const profile = writeProfile(
		dir,
		'loud',
		`name: loud\ninput:\n  file: { path: ${path.basename(input)}, loop: true }\nsilence: false\nprocessing: { loudness: -16, true_peak: -1, max_gain: 24 }\nservers:\n${serverEntry('s', icecast.port)}streams:\n  - { mount: /loud.opus, format: opus }\n  - { mount: /loud.mp3, format: mp3 }\n`,
	);
	const up = runUp(t, [profile], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/loud.opus', '/loud.mp3']);
	const opus = await openCapture(`http://127.0.0.1:${icecast.port}/loud.opus`, inDir(dir, 'heard.opus'));
	const mp3 = await openCapture(`http://127.0.0.1:${icecast.port}/loud.mp3`, inDir(dir, 'heard.mp3'));
	await Promise.all([opus.moreSeconds(seconds, (seconds + 30) * 1000), during(up)]);
	const heard = [await opus.stop(), await mp3.stop()];
	assert.equal(await up.stop('SIGTERM'), 0);
	return heard.map((h) => h.file);
}

it('loudness control: an input stepping 27 dB every 10 s goes to air at -16 LUFS ±1.5 short-term, true peak under -1 dBTP; the meter shows the input beside it', async (t) => {
	const dir = tempDir(t);
	// About -35 and -8 LUFS.
	const input = await pinkNoise(inDir(dir, 'steps.wav'), [0.119, 2.66], 10);
	// The operator sees the correction: in a quiet passage, the input's level beside what goes to air.
	const heard = await listen(t, input, 42, (up) =>
		up.eventually(
			async () => {
				const audio = (await up.status()).profiles[0]?.audio;
				const [input, air] = [audio?.input?.shortTermLufs ?? null, audio?.shortTermLufs ?? null];
				return input !== null && air !== null && input < -30 && Math.abs(air + 16) <= 2;
			},
			'the status showing the input near -35 LUFS and the air near -16',
			30_000,
		),
	);
	for (const file of heard) {
		const { shortTerm, truePeak } = await r128(file);
		// The first 3 s fill the short-term window; after each step the gain control takes a few seconds to settle,
		// which is what an AGC without look-ahead does: nine tenths of the time, not all of it, is at the target (measured: 95–99 %).
		const settled = shortTerm.slice(30);
		const near = settled.filter((s) => Math.abs(s + 16) <= 1.5).length / settled.length;
		const sorted = [...settled].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)]!;
		t.diagnostic(
			`${path.basename(file)}: median short-term ${median} LUFS, ${Math.round(near * 100)}% within ±1.5 LU, true peak ${truePeak} dBTP`,
		);
		assert.ok(Math.abs(median + 16) <= 1, `${path.basename(file)}: median short-term ${median} LUFS`);
		assert.ok(near >= 0.9, `${path.basename(file)}: ${Math.round(near * 100)}% of the time within -16 ±1.5 LU`);
		assert.ok(truePeak <= -1, `${path.basename(file)}: true peak ${truePeak} dBTP`);
	}
});

it('loudness control leaves an input already at -16 LUFS within 0.5 LU of itself', async (t) => {
	const dir = tempDir(t);
	const input = await pinkNoise(inDir(dir, 'level.wav'), [1.06], 10);
	const before = await r128(input);
	assert.ok(Math.abs(before.integrated + 16) < 0.3, `the input: ${before.integrated} LUFS`);
	const heard = await listen(t, input, 15);
	const { integrated } = await r128(heard[0]!);
	assert.ok(
		Math.abs(integrated - before.integrated) <= 0.5,
		`on air ${integrated} LUFS, input ${before.integrated} LUFS`,
	);
});
