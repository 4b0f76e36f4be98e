import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { recordingFilePattern, untilNextBoundary } from '../src/outputs/files/naming.js';
import { OwnedIndex } from '../src/outputs/files/owned.js';
import { applyRetention } from '../src/outputs/files/retention.js';
import { cueSheet } from '../src/outputs/files/sidecars.js';

describe('recording files', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-keep-'));
	const DAY = 86_400_000;
	const now = Date.now();
	/** A file of `size` bytes whose last write was `daysAgo` days ago. */
	const make = (name: string, daysAgo: number, size = 10) => {
		const file = path.join(dir, name);
		writeFileSync(file, Buffer.alloc(size));
		utimesSync(file, (now - daysAgo * DAY) / 1000, (now - daysAgo * DAY) / 1000);
		return file;
	};
	/** The index of the recording `template`, listing `files` as created by it. */
	const listed = async (template: string, files: string[]) => {
		const index = new OwnedIndex(dir, { profile: 'p', recording: template });
		for (const file of files) await index.add(file, statSync(file, { bigint: true }));
		return index;
	};

	it('keep by age removes the files older than it, with their sidecars, and only those', async () => {
		const old = make('show-2026-10-01_000000.flac', 40);
		make('show-2026-10-01_000000.cue', 40);
		make('show-2026-10-01_000000.tracks.json', 40);
		const oldPart = make('show-2026-10-02_000000-part2.flac', 39);
		const recent = make('show-2026-11-20_000000.flac', 7);
		const current = make('show-2026-11-27_000000.flac', 40);
		const stranger = make('other-2026-10-01_000000.flac', 60);
		const notOurs = make('show-notadate.flac', 60);
		const pattern = recordingFilePattern('show-{date}.flac', 'p', dir);
		const index = await listed('show-{date}.flac', [old, oldPart, recent, current, notOurs]);
		const removed = await applyRetention({ seconds: 30 * 86_400 }, index, pattern.name, (f) => f === current, now);
		assert.deepEqual(removed.sort(), [old, oldPart].sort());
		assert.ok(
			!existsSync(old) &&
				!existsSync(path.join(dir, 'show-2026-10-01_000000.cue')) &&
				!existsSync(path.join(dir, 'show-2026-10-01_000000.tracks.json')),
		);
		for (const kept of [recent, current, stranger, notOurs]) assert.ok(existsSync(kept), `${kept} kept`);
	});

	it('keep by size removes the oldest beyond the total, never the file being written', async () => {
		const files = [0, 1, 2, 3].map((i) => make(`set-{profile}-${i}.wav`.replace('{profile}', 'dj'), 4 - i, 100));
		const index = await listed('set-{profile}-N.wav', files);
		const removed = await applyRetention({ bytes: 250 }, index, /^set-dj-\d\.wav$/, (f) => f === files[3], now);
		// The current (100) and the newest other (100) fit in 250; the two oldest go.
		assert.deepEqual(removed.sort(), [files[0], files[1]].sort());
		assert.ok(existsSync(files[2]!) && existsSync(files[3]!));
	});

	it('{slot} stands for a profile name only, not for any name', () => {
		const pattern = recordingFilePattern('night-{slot}-{date}.flac', 'p', dir);
		assert.ok(pattern.name.test('night-dj-anna-2026-11-27_200000.flac'));
		assert.ok(pattern.name.test('night-none-2026-11-27_200000-part2.flac'));
		assert.ok(!pattern.name.test('night-x/y-2026-11-27_200000.flac'));
		assert.ok(!pattern.name.test('important.flac'));
	});

	it('split boundaries fall on the wall clock', () => {
		const at = new Date(2026, 10, 27, 10, 59, 30);
		assert.equal(untilNextBoundary(3600, at), 30_000);
		assert.equal(untilNextBoundary(10, new Date(2026, 10, 27, 10, 0, 3)), 7000);
	});

	it('a CUE sheet holds at most 99 tracks, one per CUE frame, and no backslash', () => {
		const many = Array.from({ length: 150 }, (_, i) => ({
			start: Math.floor(i / 2),
			title: `T${i}\\`,
			artist: null,
			album: null,
		}));
		const cue = cueSheet('/x/day.flac', many);
		assert.equal((cue.match(/TRACK /g) ?? []).length, 75);
		assert.ok(!cue.includes('\\'));
		assert.match(cue, /TITLE "T1\/"/, 'of two titles in one frame, the last');
	});

	it('a CUE sheet: one TRACK per title, INDEX in 1/75 s, quotes made single', () => {
		assert.equal(
			cueSheet('/x/show.mp3', [
				{ start: 0, title: 'Opening', artist: 'jdcast', album: null },
				{ start: 61.5, title: 'Say "hi"', artist: null, album: null },
			]),
			'FILE "show.mp3" MP3\n  TRACK 01 AUDIO\n    TITLE "Opening"\n    PERFORMER "jdcast"\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE "Say \'hi\'"\n    INDEX 01 01:01:38\n',
		);
	});

	it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
