import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { tempDir } from './env.js';
import { jdcastOnce, runUp, writeProfile } from './jdcast.js';
import { inDir, openCapture } from './listener.js';
import { type PlayerResult, playAll } from './players.js';
import { serverEntry } from './profile.js';
import { startIcecast } from './services.js';

/** Titles with what breaks them: accents, a dash, CJK, quotes. */
export const TITLES = ['Première – 坂本', 'Second "take"', 'Dritte Ansage'] as const;
export const PLAYERS = ['vlc', 'mpv', 'gst', 'ffmpeg', 'metadataJs'] as const;

const KBPS: Record<string, number> = { opus: 96, vorbis: 128, flac: 700, mp3: 128, aac: 128 };

/**
 * One format's row of the player matrix: a jdcast station on a real icecast2 (no burst: a player
 * starts at the live edge, so that each title change is reached within the run), a title set before
 * anyone listens, then VLC, mpv, GStreamer's playbin, ffmpeg and icecast-metadata-js join late
 * together, and the title changes twice while they play. Each change waits for the players to be
 * counted by Icecast and for seconds of audio to reach a listener, not for a clock.
 */
export async function playerRow(t: TestContext, format: keyof typeof KBPS, mount: string) {
	const icecast = await startIcecast(t, { burstOnConnect: false });
	const dir = tempDir(t);
	const profile = writeProfile(
		dir,
		'row',
		`name: row\ninput:\n  tone: {}\nsilence: false\nservers:\n${serverEntry('s', icecast.port)}streams:\n  - { mount: ${mount}, format: ${format} }\n`,
	);
	const up = runUp(t, [profile], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive([mount]);
	const url = `http://127.0.0.1:${icecast.port}${mount}`;
	const monitor = await openCapture(url, inDir(dir, 'monitor.bin'));
	const ogg = format !== 'mp3' && format !== 'aac';
	/** Seconds of audio a listener received: by Ogg granules, or by bytes at the stream's bitrate. */
	const heard = (seconds: number) =>
		ogg ? monitor.moreSeconds(seconds, 30_000) : monitor.more((KBPS[format]! * 1000 * seconds) / 8, 30_000);
	const title = async (text: string) => {
		const set = await jdcastOnce(['meta', 'row', '--title', text, '--socket', up.socket]);
		assert.equal(set.code, 0, set.stderr);
	};
	await title(TITLES[0]);
	await heard(2);
	let enough = () => {};
	const started = Date.now();
	const lines = new Map<string, string[]>();
	const playing = playAll({
		url,
		seconds: 90,
		icy: !ogg,
		until: new Promise<void>((r) => (enough = r)),
		heard: (player, line) => lines.set(player, [...(lines.get(player) ?? []), line].slice(-200)),
	});
	await up.eventually(
		async () => ((await up.status()).profiles[0]?.outputs[0]?.listeners ?? 0) >= 6,
		'the five players and the monitor counted by Icecast',
		15_000,
	);
	await heard(3);
	await title(TITLES[1]);
	await heard(4);
	await title(TITLES[2]);
	// Until every player that shows titles has shown the last one (GStreamer's playbin buffers some seconds,
	// more on a loaded machine: 10 s of audio after the change was once not enough), then a little more.
	const showing = format === 'flac' ? ['vlc', 'gst', 'metadataJs'] : ['vlc', 'mpv', 'gst', 'metadataJs'];
	await up
		.eventually(
			() => showing.every((p) => (lines.get(p) ?? []).some((l) => l.includes('Dritte'))),
			'every player showing the last title',
			45_000,
		)
		.catch(() => {
			// Said by the assertions that follow, with each player's own lines.
		});
	await heard(3);
	enough();
	const players = await playing;
	const seconds = (Date.now() - started) / 1000;
	await monitor.stop();
	assert.equal(await up.stop('SIGTERM'), 0);
	return { ...players, seconds };
}

/** What a failing assertion says: the player's own last lines. */
export function said(name: string, result: PlayerResult | undefined): string {
	return `${name}: titles ${JSON.stringify(result?.titles)}, errors ${JSON.stringify(result?.errors)}\n${result?.tail}`;
}
