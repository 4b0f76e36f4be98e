import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import { Tap } from '../src/fanout/tap.js';
import { RecordingSink } from '../src/outputs/recording.js';
import type { Format, RecordingSpec } from '../src/profile/types.js';
import { encodedPages } from './fixtures.js';

const root = mkdtempSync(path.join(tmpdir(), 'jdcast-sink-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Six seconds of a real encoder's Ogg output, cut into its pages. */
const pages = (codec: string[]) => encodedPages(codec, 6, ['-page_duration', '20000']);

const spec = (file: string, format: Format): RecordingSpec => ({
	path: file,
	format,
	bitrate: null,
	channels: 2,
	samplerate: null,
	split: null,
	keep: null,
	at: { file: 'test', line: 1, col: 1 },
});

/** Decoded length in samples and ffmpeg's complaints, reading the file as a file. */
async function decoded(file: string): Promise<{ samples: number; errors: string }> {
	const result = await execa('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-f', 's16le', '-'], {
		encoding: 'buffer',
		reject: false,
	});
	return {
		samples: Buffer.from(result.stdout as Uint8Array).length / 2,
		errors: Buffer.from(result.stderr as Uint8Array)
			.toString()
			.trim(),
	};
}

describe('a recording split while pages keep coming', () => {
	for (const [format, file, codec] of [
		['opus', 'r.opus', ['-c:a', 'libopus', '-b:a', '96k']],
		['flac', 'r.flac', ['-c:a', 'flac']],
		['vorbis', 'r.ogg', ['-c:a', 'libvorbis']],
	] as const) {
		it(`${format}: pages that wait for the next file start it at their own position, and both files are whole`, async () => {
			const dir = mkdtempSync(path.join(root, `${format}-`));
			const all = await pages([...codec]);
			const tap = new Tap('ogg');
			const sink = new RecordingSink(spec(`r-{slot}${path.extname(file)}`, format), { name: 'p', baseDir: dir }, tap);
			await sink.start();
			const half = Math.floor(all.length / 2);
			for (const page of all.slice(0, half)) tap.push(page);
			await new Promise((r) => setTimeout(r, 50));
			// Another holder (an air check), and at once ten more pages: they wait while the next file opens.
			sink.follow(tap, 'next');
			for (const page of all.slice(half, half + 10)) tap.push(page);
			await new Promise((r) => setTimeout(r, 50));
			for (const page of all.slice(half + 10)) tap.push(page);
			await sink.stop();
			const files = readdirSync(dir)
				.filter((f) => f.endsWith(path.extname(file)))
				.sort();
			assert.deepEqual(files, [`r-next${path.extname(file)}`, `r-none${path.extname(file)}`]);
			const first = await decoded(path.join(dir, files[1]!));
			const second = await decoded(path.join(dir, files[0]!));
			assert.equal(first.errors, '', `${files[1]} decodes`);
			assert.equal(second.errors, '', `${files[0]} decodes`);
			const whole = path.join(dir, 'whole.ogg');
			writeFileSync(whole, Buffer.concat(all));
			const total = (await decoded(whole)).samples;
			// Opus gives up its pre-skip at the start of the second file (312 samples), Vorbis its first block (the
			// decoder's overlap).
			assert.ok(
				Math.abs(first.samples + second.samples - total) <= (format === 'vorbis' ? 2048 : 960),
				`${first.samples} + ${second.samples} samples against ${total}`,
			);
			if (format === 'flac') {
				assert.ok(Math.abs(first.samples + second.samples - total) <= 1, 'FLAC: sample for sample');
				// Its frames count from zero again: the second file starts at 0, as a file of its own.
				const { stdout } = await execa('ffprobe', [
					'-v',
					'error',
					'-show_entries',
					'format=start_time,duration',
					'-of',
					'csv=p=0',
					path.join(dir, files[0]!),
				]);
				const [start, duration] = stdout.trim().split(',').map(Number) as [number, number];
				assert.equal(start, 0, `start_time ${start}`);
				assert.ok(
					Math.abs(duration - second.samples / 48000) < 0.01,
					`duration ${duration} for ${second.samples / 48000} s`,
				);
			}
			assert.ok(second.samples > 2 * 48000, `the second file holds the second half (${second.samples} samples)`);
		});
	}

	it('a holder that takes the mount while the file is being opened gets its own file, named for it', async () => {
		const dir = mkdtempSync(path.join(root, 'slot-race-'));
		const tap = new Tap('ogg');
		const sink = new RecordingSink(spec('r-{slot}.opus', 'opus'), { name: 'p', baseDir: dir }, tap, {}, 'A');
		const starting = sink.start();
		// A's file is named; B takes the mount before it is open.
		sink.follow(tap, 'B');
		await starting;
		await new Promise((r) => setTimeout(r, 50));
		for (const page of await pages(['-c:a', 'libopus'])) tap.push(page);
		await sink.stop();
		const files = readdirSync(dir).filter((f) => f.endsWith('.opus'));
		assert.deepEqual(files, ['r-B.opus'], "B's audio in B's file (A's, empty, removed)");
		assert.equal((await decoded(path.join(dir, 'r-B.opus'))).errors, '');
	});

	it('a recording whose encoder stream is not what its file format expects stops that recording only, said', async () => {
		const dir = mkdtempSync(path.join(root, 'mismatch-'));
		const tap = new Tap('ogg');
		// Opus pages into a FLAC-typed recording named .flac: the FLAC writer cannot read them.
		const sink = new RecordingSink({ ...spec('x.flac', 'flac'), split: null }, { name: 'p', baseDir: dir }, tap);
		const states: string[] = [];
		sink.on('state', (state, error) => states.push(`${state}${error ? `: ${error}` : ''}`));
		await sink.start();
		const opus = await pages(['-c:a', 'libopus']);
		assert.doesNotThrow(
			() => opus.forEach((page) => tap.push(page)),
			'the encoder pipe is never broken by a recording',
		);
		await sink.stop();
		assert.ok(
			states.some((s) =>
				/^retrying: cannot write .*x\.flac: the encoder's stream is not what its format expects/.test(s),
			),
			states.join('\n'),
		);
	});
});
