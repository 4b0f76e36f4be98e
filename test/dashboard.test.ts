import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { openPage, playerPosition } from './helpers/browser.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { runJdcast, writeProfile } from './helpers/jdcast.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

/** The part of HTMLAudioElement the test uses (the tests compile without the DOM's types). */
interface Player {
	play(): Promise<void>;
	pause(): void;
	currentTime: number;
	paused: boolean;
}

/** The one DOM function the tests call in the page. */
interface Styles {
	getComputedStyle(element: unknown): { backgroundColor: string };
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
		`name: studio\ninput: { file: { path: ${wav}, loop: true } }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /studio.opus, format: opus }\n  - { mount: /studio.mp3, format: mp3 }\n  - { mount: /studio.ogg, format: vorbis }\n  - { mount: /studio.aac, format: aac }\n`,
	);
	const port = await freePort();
	const env = { JD_TEST_PW: icecast.sourcePassword.reveal() };
	const args = ['up', '--json', '--http', String(port), file];
	let up = runJdcast(t, args, env);
	await up.waitLive(['/studio.opus', '/studio.mp3', '/studio.ogg', '/studio.aac']);

	const { page, errors } = await openPage(t);
	await page.goto(`http://127.0.0.1:${port}/`);
	const card = page.getByRole('region', { name: 'studio' });
	const rowState = (mount: string) =>
		card
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${mount.replace('.', '\\.')}`) }) })
			.locator('.badge');
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.ogg'])
		await up.eventually(async () => (await rowState(mount).textContent()) === 'live', `${mount} shown live`);

	// The meter follows the audio: several different levels as the swell goes on, all audible.
	const meter = page.getByRole('meter', { name: 'studio level' });
	const levels = new Set<number>();
	await up
		.eventually(async () => {
			levels.add(Number(await meter.getAttribute('aria-valuenow')));
			return levels.size >= 4;
		}, 'four different levels on the meter')
		.catch((error: Error) => assert.fail(`${error.message} (${[...levels].join(', ')})`));
	t.diagnostic(`meter values: ${[...levels].join(', ')}`);
	assert.ok(levels.size >= 4, `the meter moves (${[...levels].join(', ')})`);
	assert.ok(
		[...levels].every((v) => v > -30 && v <= -5),
		`levels of a -6 to -25 dBFS swell (${[...levels].join(', ')})`,
	);
	// Each lit segment has its level's colour, however far the bar reaches.
	// Lit or not is read in the same moment as the colour: the meter redraws between two steps of the test.
	const lit = await meter.locator('.seg').evaluateAll((segments) =>
		segments
			.map((s) => [(s as unknown as { className: string }).className.split(' '), s] as const)
			.filter(([classes]) => classes.includes('lit'))
			.map(([classes, s]) => [classes[1], (globalThis as unknown as Styles).getComputedStyle(s).backgroundColor]),
	);
	const colour = { green: 'rgb(60, 207, 110)', yellow: 'rgb(240, 201, 60)', red: 'rgb(255, 92, 92)' };
	assert.ok(lit.length > 0, 'segments lit');
	assert.deepEqual(
		lit.filter(([zone, bg]) => colour[zone as keyof typeof colour] !== bg),
		[],
		'every lit segment coloured by its zone',
	);
	assert.equal(await page.getByRole('list', { name: 'Station' }).count(), 0, 'no station strip without a shared mount');
	await up.eventually(
		async () => /I\s*-\d+\.\d LUFS/.test((await card.locator('.loudness').textContent()) ?? ''),
		'integrated loudness shown',
	);

	// Now playing: the MP3 mount's title on the Icecast server changes.
	await card.getByLabel('Title').fill('Night Drive');
	await card.getByLabel('Artist').fill('The Testers');
	await card.getByRole('button', { name: 'Update now playing' }).click();
	await up.eventually(
		async () => (await card.getByRole('status').textContent())?.startsWith('now playing set on'),
		'the form says it worked',
	);
	await up.eventually(
		async () =>
			decodeEntities((await icecastSources(icecast.port)).get('/studio.mp3')?.title) === 'The Testers - Night Drive',
		'Icecast shows the new MP3 title',
	);

	// The players: Opus, MP3 and AAC play from the mounts (their time advances).
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.aac']) {
		const played = await up.eventually(
			async () => {
				const time = await playerPosition(page, `Listen to ${mount}`);
				return time > 1.5 ? time : undefined;
			},
			`${mount} playing in the page`,
			15_000,
		);
		t.diagnostic(`${mount}: currentTime ${played.toFixed(2)} s`);
	}
	await page.screenshot({ path: path.join(dir, 'dashboard.png') });
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.aac'])
		await page.getByLabel(`Listen to ${mount}`).evaluate((audio) => (audio as unknown as Player).pause());
	assert.deepEqual(errors, [], 'no console errors');

	// Stop and Start change the profile's state, and the outputs come back live.
	const badge = card.locator('header .badge');
	await card.getByRole('button', { name: 'Stop' }).click();
	await up.eventually(async () => (await badge.textContent()) === 'stopped', 'profile shown stopped');
	await up.eventually(
		async () => !(await icecastSources(icecast.port)).has('/studio.opus'),
		'the mount gone from Icecast',
	);
	await card.getByRole('button', { name: 'Start' }).click();
	await up.eventually(async () => (await badge.textContent()) === 'running', 'profile shown running');
	for (const mount of ['/studio.opus', '/studio.mp3'])
		await up.eventually(async () => (await rowState(mount).textContent()) === 'live', `${mount} live again`, 20_000);
	assert.deepEqual(errors, [], 'no console errors');

	// jdcast restarts (a systemd restart, say): the page notices, reconnects by itself, shows the new process.
	const oldPid = up.child.pid;
	assert.equal(await up.stop('SIGTERM'), 0);
	await eventually(
		async () => (await page.getByText('connection to jdcast lost').count()) > 0,
		'the page says the connection is lost',
	);
	up = runJdcast(t, args, env);
	await up.waitLive(['/studio.opus', '/studio.mp3', '/studio.ogg', '/studio.aac']);
	await up.eventually(async () => (await page.getByText('live updates').count()) > 0, 'the page reconnected', 20_000);
	await up.eventually(
		async () => (await page.locator('footer').textContent())?.includes(`pid ${up.child.pid}`),
		'the new process shown',
	);
	assert.notEqual(up.child.pid, oldPid);
	for (const mount of ['/studio.opus', '/studio.mp3', '/studio.ogg'])
		await up.eventually(
			async () => (await rowState(mount).textContent()) === 'live',
			`${mount} live after the restart`,
		);
	// While jdcast was away the browser logged its refused connections; nothing else.
	assert.deepEqual(
		errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)),
		[],
		'no console errors but the refused connections',
	);
});

it('dashboard station strip: who holds the public mount, a handover from the page (the autodj not offered), nobody when the DJ stops', async (t) => {
	const icecast = await startIcecast(t, { mounts: { '/live.opus': { fallback: '/autodj.opus' } } });
	const dir = tempDir(t);
	// Two DJs sharing the public mount and an autodj on its fallback, each a tone; the DJs record too.
	const profile = (name: string, hz: number, mount: string, dj: boolean) =>
		writeProfile(
			dir,
			name,
			`name: ${name}\ninput:\n  tone: { frequency: ${hz}, level: -12 }\nsilence: false\nservers:\n${serverEntry('station', icecast.port)}    mounts:\n      /live.opus: { fallback: /autodj.opus }\nstreams:\n  - { mount: ${mount}, format: opus${dj ? ', shared: true' : ''} }\n${dj ? `record:\n  - { path: rec/${name}.ogg, format: opus }\n` : ''}`,
		);
	const files = [
		profile('autodj', 330, '/autodj.opus', false),
		profile('dj-a', 440, '/live.opus', true),
		profile('dj-b', 880, '/live.opus', true),
	];
	const port = await freePort();
	const up = runJdcast(t, ['up', '--json', '--http', String(port), ...files], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
	});
	await up.waitLive(['/autodj.opus', '/live.opus']);
	// Both DJs start; whichever reached the mount first holds it, the other waits.
	const holderEvent = () => up.events.filter((e) => e.event === 'mount' && e.mount === '/live.opus').at(-1);
	const first = await up.eventually(() => {
		const source = holderEvent()?.source;
		return typeof source === 'string' && source.startsWith('dj-') ? source : undefined;
	}, 'a DJ holding /live.opus');
	const second = first === 'dj-a' ? 'dj-b' : 'dj-a';
	// A listener on the public mount, for the counts.
	const listener = http.get(`http://127.0.0.1:${icecast.port}/live.opus`, (response) => response.resume());
	t.after(() => listener.destroy());

	const { page, errors } = await openPage(t);
	await page.goto(`http://127.0.0.1:${port}/`);
	const row = page.getByRole('list', { name: 'Station' }).getByRole('listitem').filter({ hasText: '/live.opus' });
	const onAir = page.locator('header .on-air');
	// "since HH:MM" in the browser's own time.
	const hhmm = (iso: string) =>
		page.evaluate((at) => {
			const d = new Date(at);
			return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
		}, iso);
	const since = await hhmm(String(holderEvent()!.since));
	await up.eventually(
		async () => (await row.textContent()) === `/live.opus${first}since ${since}1 listener`,
		`the strip names ${first} since ${since}, 1 listener (shows "${await row.textContent()}")`,
		20_000,
	);
	await up.eventually(
		async () => (await onAir.textContent()) === `On air: ${first} on /live.opus since ${since}, 1 listener`,
		'the header says who is on air',
	);
	assert.equal(await page.getByRole('list', { name: 'Station' }).getByRole('listitem').count(), 1, 'one shared mount');

	// Hand over to…: only the other DJ; the autodj shares no mount and is not offered, nor is it offered one.
	const card = (name: string) => page.getByRole('region', { name, exact: true });
	const select = card(first).getByLabel('Hand over to');
	assert.deepEqual(await select.locator('option').allTextContents(), ['choose a profile', second]);
	assert.equal(await card('autodj').getByRole('button', { name: 'Hand over' }).count(), 0);
	await select.selectOption(second);
	await card(first).getByRole('button', { name: 'Hand over' }).click();
	await up.eventually(
		async () =>
			(await card(first).getByRole('status').textContent())?.startsWith(`handed over to ${second}: /live.opus`),
		'the card says the handover worked',
	);
	const handedAt = await hhmm(
		String(
			(
				await up.waitForEvent(
					(e) => e.event === 'mount' && e.source === second && e.reason === 'handover',
					'mount event',
				)
			).since,
		),
	);
	await up.eventually(
		async () => (await row.textContent()) === `/live.opus${second}since ${handedAt}1 listener`,
		`the strip names ${second}, the listener kept (shows "${await row.textContent()}")`,
	);
	await up.eventually(
		async () => (await onAir.textContent()) === `On air: ${second} on /live.opus since ${handedAt}, 1 listener`,
		'the header follows',
	);
	const outputBadge = card(first).getByRole('row').filter({ hasText: '/live.opus' }).locator('.badge');
	await up.eventually(async () => (await outputBadge.textContent()) === 'standby', `${first}'s output on standby`);
	await up.eventually(
		async () =>
			((await page.getByRole('region', { name: 'Recent events' }).textContent()) ?? '').includes(
				`mount: /live.opus on station: ${first} → ${second} (handover)`,
			),
		'the handover in the recent events',
	);

	// The picture in the docs: a station after a handover, its listener kept, both DJs recording.
	await page.screenshot({
		path: process.env.UPDATE_SCREENSHOT ? SCREENSHOT : path.join(dir, 'station.png'),
		fullPage: true,
	});

	// The new holder stops: nobody feeds the mount, its listener is on the fallback; the recording keeps its length.
	await card(second).getByRole('button', { name: 'Stop' }).click();
	await up.eventually(
		async () =>
			/^\/live\.opusnobody — listeners on \/autodj\.opussince \d\d:\d\d1 listener there$/.test(
				(await row.textContent()) ?? '',
			),
		`the strip says nobody, listeners on the fallback (shows "${await row.textContent()}")`,
	);
	assert.match(
		(await onAir.textContent()) ?? '',
		/^On air: nobody on \/live\.opus since \d\d:\d\d — listeners on \/autodj\.opus$/,
	);
	const recording = card(second).getByRole('list', { name: 'Recordings' }).getByRole('listitem');
	await up.eventually(
		async () => (await recording.textContent())?.startsWith('■ stopped'),
		'the recording shown stopped',
	);
	assert.doesNotMatch(
		(await recording.textContent()) ?? '',
		/· 0 s · 0 B/,
		'a stopped recording keeps its length and size',
	);
	assert.deepEqual(errors, [], 'no console errors');
});
