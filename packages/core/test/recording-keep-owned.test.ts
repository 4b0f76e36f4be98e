import assert from 'node:assert/strict';
import {
	existsSync,
	linkSync,
	mkdirSync,
	mkdtempSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { Tap } from '../src/fanout/tap.js';
import { OwnedIndex } from '../src/outputs/files/owned.js';
import { applyRetention } from '../src/outputs/files/retention.js';
import { RecordingSink } from '../src/outputs/recording.js';
import type { RecordingSpec } from '../src/profile/types.js';
import { encodedPages } from './fixtures.js';

const root = mkdtempSync(path.join(tmpdir(), 'jdcast-keep-owned-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Three seconds of a real Opus encoder's Ogg pages: a part of about 37 KB. */
let opus: Buffer[] = [];
before(async () => {
	opus = await encodedPages(['-c:a', 'libopus', '-b:a', '96k'], 3);
});

const spec = (file: string, keep: RecordingSpec['keep']): RecordingSpec => ({
	path: file,
	format: 'opus',
	bitrate: 96,
	channels: 2,
	samplerate: null,
	split: null,
	keep,
	at: { file: 'test', line: 1, col: 1 },
});

/** One run of a profile's recording: started, three seconds of Opus, stopped. Returns the file it wrote. */
async function record(profile: string, baseDir: string, template: string, keep: RecordingSpec['keep'] = null) {
	const tap = new Tap('ogg');
	const sink = new RecordingSink(spec(template, keep), { name: profile, baseDir }, tap);
	await sink.start();
	for (const page of opus) tap.push(page);
	await sink.stop();
	return sink.status().path;
}

/** A file whose last write was `daysAgo` days ago: older than any recording, so the first a name-based keep takes. */
function aged(file: string, daysAgo: number): void {
	const when = (Date.now() - daysAgo * 86_400_000) / 1000;
	utimesSync(file, when, when);
}

it('keep removes only the files this recording wrote (earlier runs too): never a foreign file, a hard link or another profile’s recording that fit its name', async () => {
	const dir = path.join(root, 'shared');
	mkdirSync(dir);
	const template = 'shared/{date}.opus';
	// Two runs of profile a, one of profile b, all in one folder with one template.
	const ourFirst = await record('a', root, template);
	const theirs = await record('b', root, template);
	// A file of the user's that fits the template: 300 KB, a year old.
	const foreign = path.join(dir, '2025-01-01_000000.opus');
	writeFileSync(foreign, Buffer.alloc(300_000, 1));
	aged(foreign, 365);
	// A hard link made by someone else, with a name that fits, to a file outside the recordings.
	const outside = path.join(root, 'precious.bin');
	writeFileSync(outside, Buffer.alloc(200_000, 2));
	const link = path.join(dir, '2025-01-02_000000.opus');
	linkSync(outside, link);
	aged(link, 300);
	for (const file of [ourFirst, theirs]) aged(file, 10);
	const kept = [foreign, link, theirs];
	const sizes = kept.map((f) => statSync(f).size);

	// The second run of a, with a keep of one and a half of its files: its own file stays, every older one of its
	// own goes.
	const keep = { bytes: Math.round(statSync(ourFirst).size * 1.5) };
	const tap = new Tap('ogg');
	const sink = new RecordingSink(spec(template, keep), { name: 'a', baseDir: root }, tap);
	const removed: string[] = [];
	sink.on('removed', (files) => removed.push(...files));
	await sink.start();
	for (const page of opus) tap.push(page);
	await sink.stop();

	kept.forEach((file, i) => {
		assert.ok(existsSync(file), `${path.basename(file)} is not a's: kept`);
		assert.equal(statSync(file).size, sizes[i], `${path.basename(file)} untouched`);
	});
	assert.equal(statSync(outside).nlink, 2, 'the hard link is still there');
	assert.ok(!existsSync(ourFirst), `${path.basename(ourFirst)} (a's own, from an earlier run) removed`);
	assert.ok(removed.includes(ourFirst), `the removal said: ${removed.join(', ')}`);
	assert.ok(existsSync(sink.status().path), 'the newest file, within keep, stays');
	assert.deepEqual(removed, [ourFirst], 'nothing else removed');
});

it('keep never removes a name of its own that now holds another file (a hard link put in its place)', async () => {
	const base = mkdtempSync(path.join(root, 'replaced-'));
	const template = 'r-{date}.opus';
	const ours = await record('a', base, template);
	// Someone replaces the recording with a hard link to a file of theirs, under the same name.
	const outside = path.join(base, 'theirs.bin');
	writeFileSync(outside, Buffer.alloc(100_000, 3));
	rmSync(ours);
	linkSync(outside, ours);
	aged(ours, 30);
	const second = await record('a', base, template, { bytes: 60_000 });
	assert.ok(existsSync(ours), 'the name now names another file: left alone');
	assert.equal(statSync(outside).nlink, 2);
	assert.ok(existsSync(second));
});

it('an index that is not a regular file of this user’s (a symlink put in its place) lists nothing: keep removes nothing, and says why', async () => {
	const base = mkdtempSync(path.join(root, 'index-link-'));
	const template = 'x-{date}.opus';
	const ours = await record('a', base, template);
	aged(ours, 30);
	const index = new OwnedIndex(base, { profile: 'a', recording: template });
	// The real list moved away and a symlink to it left at its name: it is not read.
	renameSync(index.file, path.join(base, 'moved.json'));
	symlinkSync(path.join(base, 'moved.json'), index.file);
	const notes: string[] = [];
	const read = new OwnedIndex(base, { profile: 'a', recording: template }, (m) => notes.push(m));
	const removed = await applyRetention({ bytes: 1 }, read, /^x-.*\.opus$/, () => false);
	assert.deepEqual(removed, []);
	assert.ok(existsSync(ours));
	assert.match(notes.join('\n'), /is not a file of this user's: its list is not read, and keep removes none of it/);
});

it('a track list that has another name too (a hard link to it) is left when its recording is removed', async () => {
	const base = mkdtempSync(path.join(root, 'sidecar-link-'));
	const template = 's-{date}.opus';
	const ours = await record('a', base, template);
	aged(ours, 30);
	const cue = ours.replace(/\.opus$/, '.cue');
	const json = ours.replace(/\.opus$/, '.tracks.json');
	linkSync(cue, path.join(base, 'my-copy.cue'));
	const index = new OwnedIndex(base, { profile: 'a', recording: template });
	const removed = await applyRetention({ seconds: 86_400 }, index, /^s-.*\.opus$/, () => false);
	assert.deepEqual(removed, [ours]);
	assert.ok(!existsSync(ours) && !existsSync(json), 'the recording and its own JSON list removed');
	assert.ok(existsSync(cue), 'the CUE sheet, linked elsewhere, left');
	assert.deepEqual(await index.list(), [], 'the index forgets the removed file');
});
