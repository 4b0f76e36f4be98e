import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { feed } from './fixtures.js';
import { execa } from 'execa';
import { oggChain } from '../../../test/helpers/ogg.js';
import { Tap } from '../src/fanout/tap.js';
import { formatSpec } from '../src/formats/index.js';
import { Mp3FrameReader } from '../src/mp3/frame-reader.js';
import { pageCrc } from '../src/ogg/crc.js';
import { OggPageReader } from '../src/ogg/page-reader.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-ogg-'));

/** A few seconds of a real encoder's output, as ffmpeg writes it for jdcast. */
async function encoded(args: string[]): Promise<Buffer> {
	const { stdout } = await execa(
		'ffmpeg',
		['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3', '-ac', '2', ...args, '-'],
		{ encoding: 'buffer' },
	);
	return Buffer.from(stdout as Uint8Array);
}

const OGG_PAGES = ['-f', 'ogg', '-page_duration', '20000'];
/** An MP3 stream as jdcast plans one. */
const MP3_AS_PLANNED = formatSpec('mp3').ffmpegArgs({ format: 'mp3', bitrate: 128, channels: 2, samplerate: null }, 20);

describe('Ogg pages', () => {
	it('computes the Ogg CRC as libogg does: every page ffmpeg wrote checks out, a flipped bit does not', async () => {
		const bytes = await encoded(['-c:a', 'libopus', ...OGG_PAGES]);
		let pages = 0;
		for (let at = 0; at + 27 <= bytes.length; pages++) {
			assert.equal(bytes.toString('latin1', at, at + 4), 'OggS');
			const count = bytes[at + 26]!;
			let size = 27 + count;
			for (let i = 0; i < count; i++) size += bytes[at + 27 + i]!;
			const page = bytes.subarray(at, at + size);
			assert.equal(pageCrc(page), page.readUInt32LE(22), `page ${pages}: the CRC libogg (through ffmpeg) wrote`);
			const flipped = Buffer.from(page);
			flipped[flipped.length - 1]! ^= 1;
			assert.notEqual(pageCrc(flipped), page.readUInt32LE(22));
			at += size;
		}
		assert.ok(pages > 10, `${pages} pages`);
	});

	it('cuts a stream fed in odd chunks into the same whole pages, skipping garbage', async () => {
		const bytes = await encoded(['-c:a', 'libopus', ...OGG_PAGES]);
		const reader = new OggPageReader();
		const pages: Buffer[] = [];
		feed(Buffer.concat([Buffer.from('junk!'), bytes]), (c) =>
			pages.push(...reader.push(c).map((p) => Buffer.from(p.bytes))),
		);
		assert.equal(reader.skippedBytes, 5);
		assert.deepEqual(Buffer.concat(pages), bytes);
		assert.ok(pages.length > 100, 'pages of 20 ms');
	});
});

describe('Tap', () => {
	for (const [codec, args] of [
		['opus', ['-c:a', 'libopus']],
		['vorbis', ['-c:a', 'libvorbis']],
		['flac', ['-c:a', 'flac']],
	] as const) {
		it(`${codec}: a late subscriber gets the headers first; tags start a new link; all decodes`, async () => {
			const bytes = await encoded([...args, ...OGG_PAGES]);
			const tap = new Tap('ogg');
			const early: Buffer[] = [];
			const late: Buffer[] = [];
			tap.subscribe((u) => early.push(u));
			const third = Math.floor(bytes.length / 3);
			feed(bytes.subarray(0, third), (c) => tap.push(c));
			tap.subscribe((u) => late.push(u));
			tap.setTags({ title: 'Ça marche – 坂本', artist: 'Tester' });
			feed(bytes.subarray(third), (c) => tap.push(c));

			for (const [name, units] of [
				['early', early],
				['late', late],
			] as const) {
				const file = path.join(dir, `${codec}-${name}.ogg`);
				writeFileSync(file, Buffer.concat(units));
				const chain = oggChain(file);
				assert.equal(chain[0]!.codec, codec, `${name}: starts with ${codec} headers`);
				assert.deepEqual(
					[chain.at(-1)!.tags.TITLE, chain.at(-1)!.tags.ARTIST],
					['Ça marche – 坂本', 'Tester'],
					`${name}: the last link has the tags`,
				);
				assert.ok(chain.at(-1)!.tags.ENCODER, `${name}: the encoder's own comments are kept`);
				const decode = await execa('ffmpeg', ['-v', 'error', '-f', 'ogg', '-i', 'pipe:0', '-f', 'null', '-'], {
					inputFile: file,
					reject: false,
				});
				assert.equal(decode.stderr, '', `${name}: decodes without error`);
			}
			assert.equal(oggChain(path.join(dir, `${codec}-early.ogg`)).length, 2);
		});
	}

	it('mp3: every subscriber starts on a frame boundary', async () => {
		const bytes = await encoded(MP3_AS_PLANNED);
		const tap = new Tap('mp3');
		const late: Buffer[] = [];
		feed(bytes.subarray(0, 5000), (c) => tap.push(c));
		tap.subscribe((u) => late.push(u));
		feed(bytes.subarray(5000), (c) => tap.push(c));
		const joined = Buffer.concat(late);
		assert.equal(joined[0], 0xff, 'starts with a frame sync');
		assert.equal(joined[1]! & 0xe0, 0xe0);
		const file = path.join(dir, 'late.mp3');
		writeFileSync(file, joined);
		const decode = await execa('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { reject: false });
		assert.equal(decode.stderr, '');
	});
});

describe('Mp3FrameReader', () => {
	it('keeps every whole frame and holds back a partial one', async () => {
		const bytes = await encoded(MP3_AS_PLANNED);
		const reader = new Mp3FrameReader();
		const out: Buffer[] = [];
		feed(bytes, (c) => out.push(reader.push(c)));
		const joined = Buffer.concat(out);
		assert.ok(bytes.length - joined.length < 1500, 'at most the last frame is held back');
		assert.deepEqual(joined, bytes.subarray(0, joined.length));
	});
});
