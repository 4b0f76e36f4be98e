import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { followNowPlayingFile, type Metadata } from '../src/index.js';

async function until(check: () => boolean, what: string): Promise<void> {
	for (const deadline = Date.now() + 10_000; !check(); ) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

function follow(file: string) {
	const seen: (Metadata | null)[] = [];
	const problems: string[] = [];
	const follower = followNowPlayingFile(
		file,
		(m) => seen.push(m),
		(p) => problems.push(p),
	);
	return { seen, problems, follower };
}

it('a player writes its track half-way, then whole, then removes it: one title, then cleared', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-np-'));
	const file = path.join(dir, '.now_playing.json');
	const { seen, problems, follower } = follow(file);
	t.after(() => follower.close());
	writeFileSync(file, '{"filename": "01-hoppipolla", "tags": {"tit');
	await new Promise((r) => setTimeout(r, 700));
	assert.deepEqual(seen, [], 'a half-written file is not a track');
	writeFileSync(
		file,
		JSON.stringify({
			filename: '01-hoppipolla',
			tags: { title: 'Hoppipolla', artist: 'Sigur Rós', album: 'Takk...', genre: 'x' },
		}),
	);
	await until(() => seen.length === 1, 'the track');
	assert.deepEqual(seen[0], { title: 'Hoppipolla', artist: 'Sigur Rós', album: 'Takk...' });
	writeFileSync(file, JSON.stringify({ filename: '02-untagged', tags: {} }));
	await until(() => seen.length === 2, 'an untagged track, named by its file');
	assert.deepEqual(seen[1], { title: '02-untagged' });
	rmSync(file);
	await until(() => seen.length === 3, 'the clear');
	assert.equal(seen[2], null);
	// A half-written file read twice unchanged is a broken one, and said so: on a machine so loaded that the
	// test's 0.7 s became more than a poll cycle (seen once), that is the one thing it may say.
	assert.ok(
		problems.every((p) => /\.now_playing\.json: not valid JSON \(Unterminated string/.test(p)) && problems.length <= 1,
		problems.join('\n'),
	);
});

it('an attacker points it at a FIFO, a folder or a huge file: said once, nothing hangs, nothing is set', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-np-'));
	const fifo = path.join(dir, 'fifo');
	execFileSync('mkfifo', [fifo]);
	const folder = path.join(dir, 'folder');
	mkdirSync(folder);
	const huge = path.join(dir, 'huge');
	writeFileSync(huge, `{"tags": {"title": "${'x'.repeat(200_000)}"}}`);
	for (const [file, why] of [
		[fifo, /not a regular file/],
		[folder, /not a regular file/],
		[huge, /larger than 64 KiB/],
	] as const) {
		const { seen, problems, follower } = follow(file);
		t.after(() => follower.close());
		await until(() => problems.length > 0, `the problem with ${file}`);
		await new Promise((r) => setTimeout(r, 2500));
		assert.equal(problems.length, 1, problems.join('\n'));
		assert.match(problems[0]!, why);
		assert.deepEqual(seen, []);
	}
});

it('a player writes broken JSON: said once per content of the file, with the file and the parser’s words; the title stays', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-np-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	const file = path.join(dir, '.now_playing.json');
	const { seen, problems, follower } = follow(file);
	t.after(() => follower.close());

	writeFileSync(file, JSON.stringify({ tags: { title: 'Hoppipolla', artist: 'Sigur Rós' } }));
	await until(() => seen.length === 1, 'the first track');
	writeFileSync(file, "{ tags: { title: 'single quotes' } }");
	await until(() => problems.length === 1, 'the broken file said');
	assert.match(
		problems[0]!,
		new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.+\\); the title stays as it was$`),
	);
	assert.match(problems[0]!, /property name|Unexpected token/, "the parser's own words");
	// The file is read again every 2 s while it stays broken: not said again for the same bytes (a window
	// in which nothing may happen; a loaded machine reads less often, which cannot make it fail).
	await new Promise((r) => setTimeout(r, 4500));
	assert.equal(problems.length, 1, problems.join('\n'));

	writeFileSync(file, '{"tags": {"title": "trailing comma",}}');
	await until(() => problems.length === 2, 'another broken content said');
	assert.match(problems[1]!, /not valid JSON/);
	writeFileSync(file, JSON.stringify({ tags: { title: 'Glósóli' } }));
	await until(() => seen.length === 2, 'the next track');
	assert.deepEqual(
		seen,
		[{ title: 'Hoppipolla', artist: 'Sigur Rós' }, { title: 'Glósóli' }],
		'nothing set from a broken file',
	);
	writeFileSync(file, "{ tags: { title: 'single quotes' } }");
	await until(() => problems.length === 3, 'broken again after a good track: said again');
});
