import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

it('a player writes broken JSON: said once per content of the file, with the file and the parser’s words; the title stays', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-np-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	const file = path.join(dir, '.now_playing.json');
	const seen: (Metadata | null)[] = [];
	const problems: string[] = [];
	const follower = followNowPlayingFile(
		file,
		(m) => seen.push(m),
		(p) => problems.push(p),
	);
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
	// The file is read again every 2 s while it stays broken: not said again for the same bytes.
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
