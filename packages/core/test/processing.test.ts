import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadProfileText, plan, type Profile } from '../src/index.js';

const SERVER = 'servers:\n  a: { host: a.example, password: x }\n';

function load(text: string) {
	return loadProfileText(`${SERVER}${text}`, '/studio/p.yaml');
}

function profileOf(text: string): Profile {
	const { profile, diagnostics } = load(text);
	assert.ok(profile, diagnostics.map((d) => d.message).join('\n'));
	return profile;
}

const TWO_ENCODINGS = 'streams:\n  - { mount: /a.opus, format: opus }\n  - { mount: /a.mp3, format: mp3 }\n';

describe('processing (loudness control)', () => {
	it('defaults true_peak to -1 and max_gain to 12; none without the key', () => {
		assert.deepEqual(profileOf(`processing: { loudness: -16 }\n${TWO_ENCODINGS}`).processing, {
			loudness: -16,
			truePeak: -1,
			maxGain: 12,
		});
		assert.equal(profileOf(TWO_ENCODINGS).processing, null);
	});

	it('one filter graph before every encoder and the meter, and a copy of the input before it for its level', () => {
		const p = plan(profileOf(`processing: { loudness: -16, true_peak: -1.5 }\n${TWO_ENCODINGS}`));
		const graph = p.argv[p.argv.indexOf('-filter_complex') + 1]!;
		assert.match(graph, /^\[0:a:0\]asplit=2\[jdraw\]\[jdin\];/);
		assert.match(
			graph,
			/sidechaincompress=.*aresample=192000,alimiter=limit=0\.7498\d*:attack=5:.*level=false,aresample=48000,aformat=channel_layouts=2c\[jdair\]/,
		);
		assert.match(graph, /\[jdair\]asplit=3\[jde0\]\[jde1\]\[jdm\]/);
		const maps = p.argv.flatMap((a, i) => (a === '-map' ? [p.argv[i + 1]] : []));
		assert.deepEqual(maps, ['[jde0]', '[jde1]', '[jdmeter]', '[jdinmeter]']);
		assert.equal(p.meterFd, 5);
		assert.equal(p.inputMeterFd, 6);
		assert.equal(p.argv.at(-1), 'pipe:6');
		// A filter graph's outputs take no -af of their own: ffmpeg refuses to mix the two.
		assert.ok(!p.argv.includes('-af'));
	});

	it('without processing, the plan is as before: no filter graph, no input copy', () => {
		const p = plan(profileOf(TWO_ENCODINGS));
		assert.ok(!p.argv.includes('-filter_complex'));
		assert.equal(p.inputMeterFd, null);
	});

	for (const [what, pan] of [
		['on both channels', 'pan=stereo|c0=c0|c1=c0'],
		['on one channel only (a microphone on input_1)', 'pan=stereo|c0=c0|c1=0*c0'],
	])
		it(`ffmpeg runs the planned graph: a tone 20 dB under the target, ${what}, comes out at it`, async () => {
			const p = plan(
				profileOf(`input: { tone: { level: -30 } }\nprocessing: { loudness: -16, max_gain: 24 }\n${TWO_ENCODINGS}`),
			);
			const graph = p.argv[p.argv.indexOf('-filter_complex') + 1]!;
			const air = path.join(mkdtempSync(path.join(tmpdir(), 'jdcast-processing-')), 'air.wav');
			// The input at -30 LUFS on both channels, -33 on one.
			const tone = `sine=frequency=1000:sample_rate=48000:duration=12,volume=-12dB,${pan}`;
			await execa('ffmpeg', [
				...['-v', 'error', '-f', 'lavfi', '-i', tone],
				...['-filter_complex', graph, '-map', '[jdmeter]', '-c:a', 'pcm_f32le', air],
				...[
					'-map',
					'[jde0]',
					'-f',
					'null',
					'-',
					'-map',
					'[jde1]',
					'-f',
					'null',
					'-',
					'-map',
					'[jdinmeter]',
					'-f',
					'null',
					'-',
				],
			]);
			const { stderr } = await execa('ffmpeg', ['-nostats', '-i', air, '-af', 'ebur128', '-f', 'null', '-']);
			const shortTerm = [...stderr.matchAll(/t: *(\d+\.?\d*) .* S: *(-?[\d.]+)/g)]
				.filter((m) => Number(m[1]) > 8)
				.map((m) => Number(m[2]));
			assert.ok(shortTerm.length > 10, stderr.slice(-500));
			for (const s of shortTerm) assert.ok(Math.abs(s + 16) < 1, `short-term ${s} LUFS`);
		});

	it('keeps every channel of a multi-channel input, whatever the encoders after it take', async () => {
		const p = plan(
			profileOf(
				`input: { tone: { channels: 6 } }\nprocessing: { loudness: -16 }\nstreams:\n  - { mount: /a.opus, format: opus, channels: 2 }\nrecord:\n  - { path: all.flac, format: flac }\n`,
			),
		);
		const graph = p.argv[p.argv.indexOf('-filter_complex') + 1]!;
		assert.match(graph, /aformat=channel_layouts=6c\[jdair\]/);
		const out = path.join(mkdtempSync(path.join(tmpdir(), 'jdcast-processing-')), 'all.wav');
		await execa('ffmpeg', [
			...['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2,pan=6c|c5=c0'],
			...['-filter_complex', graph, '-map', '[jde1]', '-c:a', 'pcm_f32le', out],
			...[
				'-map',
				'[jde0]',
				'-ac',
				'2',
				'-f',
				'null',
				'-',
				'-map',
				'[jdmeter]',
				'-f',
				'null',
				'-',
				'-map',
				'[jdinmeter]',
				'-f',
				'null',
				'-',
			],
		]);
		const { stdout } = await execa('ffprobe', [
			'-v',
			'error',
			'-show_entries',
			'stream=channels',
			'-of',
			'csv=p=0',
			out,
		]);
		assert.equal(stdout.trim(), '6');
	});

	it('refuses a max_gain the target cannot reach, saying the most it can be', () => {
		const { diagnostics } = load(`processing: { loudness: -40, max_gain: 30 }\n${TWO_ENCODINGS}`);
		const errors = diagnostics.filter((d) => d.severity === 'error');
		assert.equal(errors.length, 1);
		assert.match(errors[0]!.message, /^processing: with loudness -40 LUFS, max_gain can be at most 19 dB \(30 asked\)/);
		assert.equal(errors[0]!.line, 3);
	});

	it('refuses a loudness out of range and an unknown key, in the profile language', () => {
		const messages = (text: string) => load(text).diagnostics.map((d) => d.message);
		assert.match(messages(`processing: { loudness: -60 }\n${TWO_ENCODINGS}`).join('\n'), /processing\.loudness/);
		assert.match(messages(`processing: { loudness: -16, gain: 3 }\n${TWO_ENCODINGS}`).join('\n'), /processing.*gain/);
		assert.match(messages(`processing: { true_peak: -1 }\n${TWO_ENCODINGS}`).join('\n'), /loudness/);
	});
});
