import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PLAYERS, playerRow, said, TITLES } from './helpers/player-matrix.js';

const ALL = [...TITLES];

for (const [format, mount] of [
	['mp3', '/m.mp3'],
	['aac', '/m.aac'],
] as const) {
	it(`player matrix, ${format.toUpperCase()}: every player joins late and decodes without an error; VLC, mpv, GStreamer and icecast-metadata-js follow the ICY titles`, async (t) => {
		const p = await playerRow(t, format, mount);
		for (const name of PLAYERS) assert.deepEqual(p[name]?.errors, [], said(name, p[name]));
		for (const name of ['vlc', 'mpv', 'gst', 'metadataJs'] as const)
			assert.deepEqual(p[name]?.titles, ALL, said(name, p[name]));
		// No audio lost: ffmpeg decoded about as much as the time it listened (less its start).
		assert.ok((p.ffmpeg.audioSeconds ?? 0) > p.seconds - 3, `${p.seconds} s: ${said('ffmpeg', p.ffmpeg)}`);
	});
}
