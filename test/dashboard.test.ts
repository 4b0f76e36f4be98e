import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { execa } from 'execa';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { openPage } from './helpers/browser.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { runJdcast, writeProfile } from './helpers/jdcast.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

/** The part of HTMLAudioElement the test uses (the tests compile without the DOM's types). */
interface Player {
	play(): Promise<void>;
	pause(): void;
	currentTime: number;
}

const SCREENSHOT = new URL('../docs/dashboard.png', import.meta.url).pathname;

it('dashboard in a real Chromium: live outputs, a moving meter, now playing, Stop/Start, players, and it recovers after jdcast restarts', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	// A 440 Hz sine whose level swells and falls every 2 s: a meter that moves.
	const wav = path.join(dir, 'swell.wav');
	await execa('ffmpeg', [
		'-v',
		'error',
		'-f',
		'lavfi',
		'-i',
		"aevalsrc='0.5*sin(2*PI*440*t)*(0.55+0.45*sin(PI*t))|0.5*sin(2*PI*440*t)*(0.55+0.45*sin(PI*t))':s=48000:d=8",
		'-c:a',
		'pcm_s16le',
		wav,
	]);
	const file = writeProfile(
		dir,
		'studio',
		`name: studio\ninput: { file: { path: ${wav}, loop: true } }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /studio.opus, format: opus }\n  - { mount: /studio.mp3, format: mp3 }\n  - { mount: /studio.ogg, format: vorbis }\n`,
	);
	const port = await freePort();
	const env = { JD_TEST_PW: icecast.sourcePassword.reveal() };
	const args = ['up', '--json', '--http', String(port), file];
	let up = runJdcast(t, args, env);
	await up.waitLive(['/studio.opus', '/studio.mp3', '/studio.ogg']);

	const { page, errors } = await openPage(t);
	await page.goto(`http://127.0.0.1:${port}/`);
	const card = page.getByRole('region', { name: 'studio' });
	const rowState = (mount: string) =>
		card
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${mount.replace('.', '\\.')}`) }) })
			.locator('.badge');
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.ogg'])
		await eventually(async () => (await rowState(mount).textContent()) === 'live', `${mount} shown live`);

	// The meter follows the audio: several different levels within two seconds, all audible.
	const meter = page.getByRole('meter', { name: 'studio level' });
	const levels = new Set<number>();
	for (let i = 0; i < 12; i++) {
		levels.add(Number(await meter.getAttribute('aria-valuenow')));
		await sleep(180);
	}
	t.diagnostic(`meter values: ${[...levels].join(', ')}`);
	assert.ok(levels.size >= 4, `the meter moves (${[...levels].join(', ')})`);
	assert.ok(
		[...levels].every((v) => v > -30 && v <= -5),
		`levels of a -6 to -25 dBFS swell (${[...levels].join(', ')})`,
	);
	await eventually(
		async () => /I\s*-\d+\.\d LUFS/.test((await card.locator('.loudness').textContent()) ?? ''),
		'integrated loudness shown',
	);

	// Now playing: the MP3 mount's title on the Icecast server changes.
	await card.getByLabel('Title').fill('Night Drive');
	await card.getByLabel('Artist').fill('The Testers');
	await card.getByRole('button', { name: 'Update now playing' }).click();
	await eventually(
		async () => (await card.getByRole('status').textContent())?.startsWith('now playing set on'),
		'the form says it worked',
	);
	await eventually(
		async () =>
			decodeEntities((await icecastSources(icecast.port)).get('/studio.mp3')?.title) === 'The Testers - Night Drive',
		'Icecast shows the new MP3 title',
	);

	// The players: Opus and MP3 play from the mounts (their time advances).
	for (const mount of ['/studio.opus', '/studio.mp3']) {
		const player = page.getByLabel(`Listen to ${mount}`);
		await player.evaluate((audio) => (audio as unknown as Player).play());
		const played = await eventually(
			async () => {
				const time = await player.evaluate((audio) => (audio as unknown as Player).currentTime);
				return time > 1.5 ? time : undefined;
			},
			`${mount} playing in the page`,
			15_000,
		);
		t.diagnostic(`${mount}: currentTime ${played.toFixed(2)} s`);
	}
	await page.screenshot({ path: process.env.UPDATE_SCREENSHOT ? SCREENSHOT : path.join(dir, 'dashboard.png') });
	for (const mount of ['/studio.opus', '/studio.mp3'])
		await page.getByLabel(`Listen to ${mount}`).evaluate((audio) => (audio as unknown as Player).pause());
	assert.deepEqual(errors, [], 'no console errors');

	// Stop and Start change the profile's state, and the outputs come back live.
	const badge = card.locator('header .badge');
	await card.getByRole('button', { name: 'Stop' }).click();
	await eventually(async () => (await badge.textContent()) === 'stopped', 'profile shown stopped');
	await eventually(
		async () => !(await icecastSources(icecast.port)).has('/studio.opus'),
		'the mount gone from Icecast',
	);
	await card.getByRole('button', { name: 'Start' }).click();
	await eventually(async () => (await badge.textContent()) === 'running', 'profile shown running');
	for (const mount of ['/studio.opus', '/studio.mp3'])
		await eventually(async () => (await rowState(mount).textContent()) === 'live', `${mount} live again`, 20_000);
	assert.deepEqual(errors, [], 'no console errors');

	// jdcast restarts (a systemd restart, say): the page notices, reconnects by itself, shows the new process.
	const oldPid = up.child.pid;
	assert.equal(await up.stop('SIGTERM'), 0);
	await eventually(
		async () => (await page.getByText('connection to jdcast lost').count()) > 0,
		'the page says the connection is lost',
	);
	up = runJdcast(t, args, env);
	await up.waitLive(['/studio.opus', '/studio.mp3', '/studio.ogg']);
	await eventually(async () => (await page.getByText('live updates').count()) > 0, 'the page reconnected', 20_000);
	await eventually(
		async () => (await page.locator('footer').textContent())?.includes(`pid ${up.child.pid}`),
		'the new process shown',
	);
	assert.notEqual(up.child.pid, oldPid);
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.ogg'])
		await eventually(async () => (await rowState(mount).textContent()) === 'live', `${mount} live after the restart`);
	// While jdcast was away the browser logged its refused connections; nothing else.
	assert.deepEqual(
		errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)),
		[],
		'no console errors but the refused connections',
	);
});
