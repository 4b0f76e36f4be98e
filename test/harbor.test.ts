import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { freePort, tempDir } from './helpers/env.js';
import { ANNA_PW, DJ_PW, basic, ffmpegDj, harborProfile, harborRequest, sourceHead } from './helpers/harbor.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { type JdcastEvent, runUp } from './helpers/jdcast.js';
import { analyze, inDir, openCapture, pitchSequence } from './helpers/listener.js';
import { station, toneProfile } from './helpers/station.js';

const harborEvent = (kind: string, user?: string) => (e: JdcastEvent) =>
	e.event === 'harbor' && e.kind === kind && (user === undefined || (e.dj as { user: string } | null)?.user === user);
const at = (e: JdcastEvent) => Date.parse(e.time as string);

it('remote DJs through the harbor: autodj, anna (MP3), autodj, a DJ sending Ogg Vorbis as audio/mpeg, autodj; Opus and MP3 listeners never reconnect and hear 330, 880, 330, 660, 330', async (t) => {
	const icecast = await station(t);
	const dir = tempDir(t);
	const harborPort = await freePort();
	toneProfile(dir, 'autodj', 330, icecast.port, 'autodj', false);
	harborProfile(dir, icecast.port, harborPort);
	const up = runUp(t, [path.join(dir, '*.yaml')], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
		DJ_PW,
		ANNA_PW,
	});
	await up.waitLive(['/autodj.opus', '/autodj.mp3']);
	// No DJ yet: the autodj covers the public mounts on the live profile's connections.
	await up.eventually(
		async () => (await icecastSources(icecast.port)).has('/live.opus'),
		'the autodj covering /live.opus',
	);
	const listeners = await Promise.all(
		(['opus', 'mp3'] as const).map((codec) =>
			openCapture(`http://127.0.0.1:${icecast.port}/live.${codec}`, inDir(dir, `live-${codec}.bin`)),
		),
	);
	// Each step is heard for a while (bytes at each stream's bitrate) before the next: no clock to race.
	const heardFor = (seconds: number) =>
		Promise.all(listeners.map((l, i) => l.more((seconds * (i === 0 ? 96 : 128) * 1000) / 8)));
	await heardFor(2);

	const anna = ffmpegDj(t, { port: harborPort, user: 'anna', password: ANNA_PW, hz: 880, codec: 'mp3' });
	const annaIn = await up.waitForEvent(harborEvent('connected', 'anna'), 'anna connected');
	const annaOn = await up.waitForEvent(harborEvent('on-air', 'anna'), 'anna on air');
	await up.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === 'live' && e.reason === 'harbor',
		'the public mount back to the live profile',
	);
	await heardFor(3);
	// Her title, as BUTT sends it, reaches the MP3 mount (Icecast's admin API) and the Opus one (in band).
	const title = await harborRequest(
		harborPort,
		`GET /admin/metadata?mode=updinfo&mount=%2Fdj&song=Anna%20-%20First%20Light HTTP/1.0\r\nAuthorization: ${basic('anna', ANNA_PW)}\r\n\r\n`,
	);
	assert.match(title.answer, /<return>1<\/return>/);
	await up.waitForEvent(
		(e) =>
			e.event === 'metadata' &&
			e.nowPlaying === 'Anna - First Light' &&
			(e.results as { mount: string; ok: boolean }[]).every((r) => r.ok),
		'her title on every mount',
	);
	await up.eventually(
		async () => decodeEntities((await icecastSources(icecast.port)).get('/live.mp3')?.title) === 'Anna - First Light',
		'the MP3 title in Icecast',
	);
	// A second DJ is refused while she is on air; so are 100 wrong passwords, and her audio goes on.
	const ben = await harborRequest(harborPort, sourceHead('source', DJ_PW));
	assert.match(ben.answer, /^HTTP\/1\.0 403 [\s\S]*Mountpoint in use/);
	const wrong = await Promise.all(
		Array.from({ length: 100 }, (_, i) => harborRequest(harborPort, sourceHead('anna', `guess-${i}`))),
	);
	// Each refused, or ended unanswered to make room for the next (one address has four connections at most).
	assert.ok(
		wrong.every((w) => w.answer === '' || /^HTTP\/1\.0 (401|503) /.test(w.answer)),
		`every guess refused: ${[...new Set(wrong.map((w) => w.answer.slice(0, 20)))].join(' | ')}`,
	);
	assert.ok(
		wrong.some((w) => w.answer.startsWith('HTTP/1.0 401')),
		'wrong passwords are told so',
	);
	const status = await up.status();
	const harbor = status.profiles.find((p) => p.name === 'live')?.harbor;
	assert.equal(harbor?.dj?.user, 'anna');
	assert.match(harbor?.dj?.codec ?? '', /^mp3, 44100 Hz, stereo/);
	assert.ok((harbor?.refused ?? 0) >= 1 + wrong.filter((w) => w.answer).length, `refusals counted: ${harbor?.refused}`);
	assert.doesNotMatch(
		up.stderr() + JSON.stringify(up.events),
		new RegExp(`${ANNA_PW}|guess-|${DJ_PW}`),
		'no password logged',
	);
	await heardFor(2);
	anna.kill('SIGKILL');
	const annaLeft = await up.waitForEvent(harborEvent('left', 'anna'), 'anna left');
	const coveredAgain = await up.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === 'autodj' && at(e) >= at(annaLeft),
		'the autodj back on /live.opus',
	);
	await heardFor(3);

	// Ogg Vorbis that ffmpeg calls audio/mpeg: told by its bytes.
	const guest = ffmpegDj(t, {
		port: harborPort,
		user: 'source',
		password: DJ_PW,
		hz: 660,
		codec: 'vorbis',
		title: 'Guest Mix',
	});
	const guestOn = await up.waitForEvent(harborEvent('on-air', 'source'), 'the guest on air');
	// The title in their own Ogg stream (its comments) is the station's now.
	await up.waitForEvent(
		(e) => e.event === 'metadata' && e.nowPlaying === 'Guest Mix',
		'the title their stream carries',
	);
	await heardFor(3);
	guest.kill('SIGKILL');
	await up.waitForEvent(harborEvent('left', 'source'), 'the guest left');
	await up.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.mp3' && e.source === 'autodj' && at(e) >= at(guestOn),
		'the autodj back on /live.mp3',
	);
	await heardFor(2);

	t.diagnostic(
		`join: anna connected → on air ${at(annaOn) - at(annaIn)} ms; leave: gone → autodj ${at(coveredAgain) - at(annaLeft)} ms`,
	);
	// The times are measured above (and in docs/harbor.md); the test holds the outcome, with room for a loaded machine.
	assert.ok(at(annaOn) - at(annaIn) < 3000, 'on air within seconds of connecting');
	assert.ok(at(coveredAgain) - at(annaLeft) < 3000, 'the autodj back within seconds of her leaving');
	for (const [i, codec] of (['opus', 'mp3'] as const).entries()) {
		const { file } = await listeners[i]!.stop();
		const heard = await analyze(file);
		assert.equal(heard.codec, codec);
		assert.deepEqual(heard.decodeErrors, [], `${codec}: no decoder error through two DJs and the autodj`);
		const pitches = (await pitchSequence(file)).map((r) => r.hz);
		// A listener joining seconds after the start gets Icecast's burst of what went out before: it may
		// begin with the live profile's silent first moment on its connection, before the autodj covered it.
		while (pitches[0] === 0) pitches.shift();
		assert.deepEqual(pitches, [330, 880, 330, 660, 330], `${codec}: ${JSON.stringify(await pitchSequence(file))}`);
		assert.ok(heard.longestSilence <= 0.3, `${codec}: ${heard.longestSilence} s of silence at a change`);
	}
	// Each set in a file named for its DJ; each DJ's own bytes as sent.
	const sets = readdirSync(path.join(dir, 'sets')).filter((f) => f.endsWith('.ogg'));
	assert.ok(sets.some((f) => f.endsWith('-anna.ogg')) && sets.some((f) => f.endsWith('-source.ogg')), sets.join(', '));
	const raw = readdirSync(path.join(dir, 'raw'));
	assert.ok(raw.some((f) => /-anna\.mp3$/.test(f)) && raw.some((f) => /-source\.ogg$/.test(f)), raw.join(', '));
	assert.equal(await up.stop('SIGTERM'), 0);
});

it('harbor misfits: a DJ who connects and sends nothing, one who sends a byte a second, one who stops mid-frame; none takes the public mounts from the autodj, or keeps them', async (t) => {
	const icecast = await station(t);
	const dir = tempDir(t);
	const harborPort = await freePort();
	toneProfile(dir, 'autodj', 330, icecast.port, 'autodj', false);
	harborProfile(dir, icecast.port, harborPort);
	const up = runUp(t, [path.join(dir, '*.yaml')], { JD_TEST_PW: icecast.sourcePassword.reveal(), DJ_PW, ANNA_PW });
	await up.waitLive(['/autodj.opus', '/autodj.mp3']);

	const silent = await harborRequest(harborPort, sourceHead('anna', ANNA_PW));
	assert.match(silent.answer, /200 OK/);
	const cut = await up.waitForEvent(harborEvent('left', 'anna'), 'the silent DJ cut');
	assert.equal(cut.reason, 'sent no audio within 5 s');
	silent.socket.destroy();

	const trickle = await harborRequest(harborPort, sourceHead('anna', ANNA_PW));
	const drip = setInterval(() => trickle.socket.write(Buffer.from([0xff])), 1000);
	t.after(() => clearInterval(drip));
	const dripped = await up.waitForEvents(harborEvent('left', 'anna'), 2, 'the trickling DJ cut');
	clearInterval(drip);
	assert.equal(dripped[1]!.reason, 'sent nothing that decodes within 5 s');

	// A DJ whose connection ends in the middle of an MP3 frame: on air, then gone; the autodj takes over.
	const midFrame = await harborRequest(harborPort, sourceHead('anna', ANNA_PW));
	const encoder = execa(
		'ffmpeg',
		['-v', 'error', '-re', '-f', 'lavfi', '-i', 'sine=880', '-t', '3', '-c:a', 'libmp3lame', '-f', 'mp3', 'pipe:1'],
		{ encoding: 'buffer', buffer: false, reject: false },
	);
	let last: Buffer | undefined;
	encoder.stdout!.on('data', (chunk: Buffer) => {
		if (last) midFrame.socket.write(last);
		last = chunk;
	});
	await up.waitForEvent(harborEvent('on-air', 'anna'), 'the third DJ on air');
	await encoder;
	// Half of the last chunk ffmpeg wrote, then the connection is gone.
	midFrame.socket.write(last!.subarray(0, Math.ceil(last!.length / 2) + 1));
	midFrame.socket.destroy();
	const gone = await up.waitForEvents(harborEvent('left', 'anna'), 3, 'the third DJ gone');
	assert.equal(gone[2]!.reason, 'disconnected');
	await up.waitForEvent(
		(e) => e.event === 'mount' && e.mount === '/live.opus' && e.source === 'autodj' && at(e) >= at(gone[2]!),
		'the autodj back',
	);
	const onAir = up.events.filter(harborEvent('on-air'));
	assert.equal(onAir.length, 1, 'only the DJ who sent audio went on air');
	assert.equal(await up.stop('SIGTERM'), 0);
});
