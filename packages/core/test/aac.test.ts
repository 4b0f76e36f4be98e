import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { feed } from './fixtures.js';
import { execa } from 'execa';
import { AdtsFrameReader, adtsHeader } from '../src/aac/adts.js';
import { Tap } from '../src/fanout/tap.js';
import { encodingKey, formatSpec } from '../src/formats/index.js';
import { fileWriterFor } from '../src/outputs/files/index.js';
import { loadProfileText } from '../src/profile/load.js';
import { plan } from '../src/plan/plan.js';
import type { Encoding } from '../src/profile/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-aac-'));
const LC: Encoding = { format: 'aac', bitrate: 96, channels: 2, samplerate: null };

/** Three seconds of AAC exactly as jdcast plans its encoder (ADTS to a pipe). */
async function planned(): Promise<Buffer> {
	const { stdout } = await execa(
		'ffmpeg',
		[
			'-v',
			'error',
			'-f',
			'lavfi',
			'-i',
			'sine=frequency=440:sample_rate=48000:duration=3',
			...formatSpec('aac').ffmpegArgs(LC, 20),
			'-',
		],
		{ encoding: 'buffer' },
	);
	return Buffer.from(stdout as Uint8Array);
}

describe('AAC in ADTS', () => {
	it('reads each frame header: 48 kHz, 1024 samples, lengths that add up to the stream', async () => {
		const bytes = await planned();
		let samples = 0;
		let at = 0;
		while (at < bytes.length) {
			const header = adtsHeader(bytes, at);
			assert.ok(header, `a frame header at ${at}`);
			assert.equal(header.sampleRate, 48000);
			samples += header.samples;
			at += header.length;
		}
		assert.equal(at, bytes.length);
		// ffmpeg's encoder adds its priming frame(s): at least the 3 s it was given.
		assert.ok(samples >= 3 * 48000 && samples < 3 * 48000 + 4096, `${samples} samples`);
		assert.equal(adtsHeader(Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000'), 0), undefined);
	});

	it('cuts a stream into whole frames whatever the chunks, skipping bytes before the first sync', async () => {
		const bytes = await planned();
		const reader = new AdtsFrameReader();
		const out: Buffer[] = [];
		feed(Buffer.concat([Buffer.from([1, 2, 0xff, 3]), bytes]), (c) => out.push(reader.push(c)));
		const joined = Buffer.concat(out);
		assert.equal(reader.skippedBytes, 4);
		assert.ok(bytes.length - joined.length < 2000, 'at most the last frame is held back');
		assert.deepEqual(joined, bytes.subarray(0, joined.length));
	});

	it('a listener joining late starts on a frame boundary and decodes without an error', async () => {
		const bytes = await planned();
		const tap = new Tap('adts');
		const late: Buffer[] = [];
		feed(bytes.subarray(0, 7001), (c) => tap.push(c));
		tap.subscribe((u) => late.push(u));
		feed(bytes.subarray(7001), (c) => tap.push(c));
		const heard = Buffer.concat(late);
		assert.ok(adtsHeader(heard, 0), 'the first byte heard begins a frame');
		const file = path.join(dir, 'late.aac');
		writeFileSync(file, heard);
		const decode = await execa('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { reject: false });
		assert.equal(decode.stderr, '');
	});

	it('a recording is an ID3v2 tag and the frames: ffprobe reads its title and a duration near the samples counted', async () => {
		const bytes = await planned();
		const writer = fileWriterFor(
			'aac',
			'adts',
			'x.aac',
			{ headerPages: [], pcm: undefined },
			{
				title: 'Night show',
				album: 'p',
				recordedAt: new Date(),
			},
		);
		const file = path.join(dir, 'part.aac');
		writeFileSync(file, Buffer.concat([writer.write(bytes, 0n) as Buffer, writer.end()]));
		assert.equal(writer.sampleRate, 48000);
		assert.ok(Math.abs(writer.samples / 48000 - 3) < 0.1, `${writer.samples / 48000} s counted`);
		const probe = await execa('ffprobe', [
			'-v',
			'error',
			'-show_entries',
			'format=duration:format_tags=title',
			'-of',
			'json',
			file,
		]);
		const format = JSON.parse(probe.stdout).format as { duration: string; tags?: { title?: string } };
		assert.equal(format.tags?.title, 'Night show');
		assert.ok(Math.abs(Number(format.duration) - 3) < 0.5, `ffprobe: ${format.duration} s`);
	});

	it('plans AAC-LC with ffmpeg own encoder, and HE-AAC apart from LC', () => {
		const args = formatSpec('aac').ffmpegArgs(LC, 20);
		assert.deepEqual(args.slice(0, 4), ['-c:a', 'aac', '-profile:a', 'aac_low']);
		assert.ok(args.includes('adts'));
		assert.notEqual(encodingKey(LC), encodingKey({ ...LC, profile: 'he' }));
		assert.equal(formatSpec('aac').contentType, 'audio/aac');
	});
});

describe('AAC in a profile', () => {
	const profile = (stream: string) =>
		`name: p\ninput: { tone: {} }\nservers: { s: { host: localhost, password_env: PW } }\nstreams:\n  - ${stream}\n`;

	it('plans HE-AAC with libfdk_aac when asked (validate has checked the build has it)', () => {
		const p = plan(
			loadProfileText(profile('{ mount: /a.aac, format: aac, profile: he, bitrate: 48 }'), 'p.yaml').profile!,
		);
		assert.equal(p.encoders[0]?.profile, 'he');
		assert.deepEqual(p.argv.slice(p.argv.indexOf('-c:a'), p.argv.indexOf('-c:a') + 4), [
			'-c:a',
			'libfdk_aac',
			'-profile:a',
			'aac_he',
		]);
	});

	it('refuses a bitrate AAC cannot carry at the rate asked, and he2 without stereo', () => {
		const messages = (stream: string) =>
			loadProfileText(profile(stream), 'p.yaml')
				.diagnostics.filter((d) => d.severity === 'error')
				.map((d) => d.message);
		assert.deepEqual(messages('{ mount: /a.aac, format: aac, samplerate: 8000 }'), [
			'streams[0]: aac at 8000 Hz and 2 channels carries at most 96 kbps, not 128',
		]);
		assert.deepEqual(messages('{ mount: /a.aac, format: aac, profile: he2, channels: 1 }'), [
			'streams[0].profile: he2 (HE-AAC v2) is stereo only; this encoding has 1 channel (use he)',
		]);
	});

	it('takes format: aac with a bitrate from 32 to 320, and refuses one outside', () => {
		const ok = loadProfileText(profile('{ mount: /a.aac, format: aac, bitrate: 64 }'), 'p.yaml');
		assert.deepEqual(
			ok.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
		assert.equal(ok.profile?.streams[0]?.format, 'aac');
		const high = loadProfileText(profile('{ mount: /a.aac, format: aac, bitrate: 512 }'), 'p.yaml');
		assert.match(high.diagnostics.map((d) => d.message).join('\n'), /bitrate/);
	});

	it('refuses profile: on a format other than aac, in one sentence that says where', () => {
		const result = loadProfileText(profile('{ mount: /a.mp3, format: mp3, profile: he }'), 'p.yaml');
		const errors = result.diagnostics.filter((d) => d.severity === 'error');
		assert.equal(errors.length, 1);
		assert.match(errors[0]!.message, /^streams\[0\]\.profile: is for aac only/);
		assert.equal(errors[0]!.line, 5);
	});
});
