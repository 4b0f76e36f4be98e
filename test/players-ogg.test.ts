import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PLAYERS, playerRow, said, TITLES } from './helpers/player-matrix.js';

const ALL = [...TITLES];

it('player matrix, Vorbis: VLC, mpv, GStreamer, ffmpeg and icecast-metadata-js join late, follow both title changes, decode without an error', async (t) => {
	const p = await playerRow(t, 'vorbis', '/m.ogg');
	for (const name of PLAYERS) assert.deepEqual(p[name]?.errors, [], said(name, p[name]));
	for (const name of ['vlc', 'mpv', 'gst', 'metadataJs'] as const)
		assert.deepEqual(p[name]?.titles, ALL, said(name, p[name]));
	// No audio lost: ffmpeg decoded about as much as the time it listened (less its start).
	assert.ok((p.ffmpeg.audioSeconds ?? 0) > p.seconds - 3, `${p.seconds} s: ${said('ffmpeg', p.ffmpeg)}`);
});

it('player matrix, Opus: every player plays without an error and follows the titles (mpv lists them joined, as ffmpeg demuxes Opus chains)', async (t) => {
	const p = await playerRow(t, 'opus', '/m.opus');
	for (const name of PLAYERS) assert.deepEqual(p[name]?.errors, [], said(name, p[name]));
	for (const name of ['vlc', 'gst', 'metadataJs'] as const) assert.deepEqual(p[name]?.titles, ALL, said(name, p[name]));
	assert.deepEqual(
		p.mpv.titles.map((title) => title.split(';').at(-1)),
		ALL,
		said('mpv', p.mpv),
	);
	// No audio lost: ffmpeg decoded about as much as the time it listened (less its start).
	assert.ok((p.ffmpeg.audioSeconds ?? 0) > p.seconds - 3, `${p.seconds} s: ${said('ffmpeg', p.ffmpeg)}`);
});

it('player matrix, FLAC: every player plays without an error; VLC, GStreamer and icecast-metadata-js follow the titles (mpv shows none)', async (t) => {
	const p = await playerRow(t, 'flac', '/m.flac');
	for (const name of PLAYERS) assert.deepEqual(p[name]?.errors, [], said(name, p[name]));
	for (const name of ['vlc', 'gst', 'metadataJs'] as const) assert.deepEqual(p[name]?.titles, ALL, said(name, p[name]));
	// mpv shows no title of an Ogg FLAC stream, chained or not (ffmpeg's demuxer; measured with ffmpeg's own files).
	// No audio lost: ffmpeg decoded about as much as the time it listened (less its start).
	assert.ok((p.ffmpeg.audioSeconds ?? 0) > p.seconds - 3, `${p.seconds} s: ${said('ffmpeg', p.ffmpeg)}`);
});
