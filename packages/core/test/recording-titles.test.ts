import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { cueSheet, markOf, SidecarWriter } from '../src/outputs/files/sidecars.js';

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-titles-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** "Now playing" as a hostile source may send it: a line break, a carriage return, an ESC sequence, a NUL. */
const HOSTILE = { title: 'Song\nFILE "evil.wav" WAVE', artist: 'DJ\r\u001b[31mRed\u0000', album: 'A\u2028B' };

it('a title with a newline: the CUE sheet’s lines stay intact, one TITLE and one PERFORMER line', () => {
	const cue = cueSheet('/rec/show.flac', [markOf(0, HOSTILE)]);
	assert.deepEqual(cue.split('\n'), [
		'FILE "show.flac" WAVE',
		'  TRACK 01 AUDIO',
		`    TITLE "Song FILE 'evil.wav' WAVE"`,
		'    PERFORMER "DJ [31mRed"',
		'    INDEX 01 00:00:00',
		'',
	]);
});

it('the JSON track list and the CUE sheet written beside a file hold no control character', async () => {
	const file = path.join(dir, 'show.flac');
	await new SidecarWriter().write(file, [markOf(0, HOSTILE), markOf(12.5, { title: 'Next\ttrack' })]);
	const cue = readFileSync(path.join(dir, 'show.cue'), 'utf8');
	const json = readFileSync(path.join(dir, 'show.tracks.json'), 'utf8');
	const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
	assert.doesNotMatch(cue, control);
	assert.equal(cue.split('\n').filter((l) => l.startsWith('FILE')).length, 1, 'one FILE line');
	assert.doesNotMatch(json, control);
	const tracks = JSON.parse(json).tracks;
	assert.equal(tracks[0].title, 'Song FILE "evil.wav" WAVE');
	assert.equal(tracks[0].artist, 'DJ [31mRed');
	assert.equal(tracks[0].album, 'A B');
	assert.equal(tracks[1].title, 'Next track');
	// JSON escapes would keep the file valid, but every reader of the list would get the raw newline back.
	assert.doesNotMatch(JSON.stringify(tracks), /\\[nrt]|\\u00/);
});
