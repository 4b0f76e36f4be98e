import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { tempDir } from './helpers/env.js';
import { audioStartedAt, jdcastOnce, runUp, socketFor, writeProfile } from './helpers/jdcast.js';
import { icecastSources } from './helpers/icecast-status.js';
import { capture } from './helpers/listener.js';
import { oggChain } from './helpers/ogg.js';
import { isAlive } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { stopAndCheckRecording } from './helpers/scenario.js';
import { connectionsOf, jackClockRate, startIcecast, startJack, startSignal } from './helpers/services.js';

it('icecast2 killed, and restarted after three refused attempts: every mount live again, JACK and ffmpeg untouched, recording whole', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'outage',
		`${jackInput('jd_outage', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /outage.opus, format: opus }\n  - { mount: /outage.mp3, format: mp3 }\nrecord:\n  - { path: outage.ogg, format: flac }\n`,
	);
	const socket = socketFor(t);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), JDCAST_SOCKET: socket });
	await up.waitLive(['/outage.opus', '/outage.mp3']);
	const meta = await jdcastOnce(['meta', 'outage', '--title', 'Before the outage', '--socket', socket]);
	assert.equal(meta.code, 0, meta.stderr);
	const startedAt = await audioStartedAt(up);
	const clockRate = await jackClockRate(jack.name);
	const encoder = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	const connections = await up.eventually(async () => {
		const now = await connectionsOf(jack.name, 'jd_outage');
		return now.length === 2 ? now : undefined;
	}, 'the JACK connections');
	// A second of audio in the recording before the outage.
	const recorded = async () => (await up.status()).profiles[0]?.recordings[0]?.seconds ?? 0;
	await up.eventually(async () => (await recorded()) >= 1, 'a second recorded');

	await icecast.kill();
	const killedAt = up.events.length;
	const recordedAtKill = await recorded();
	await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === '/outage.opus' && e.state === 'retrying',
		'the output to notice',
	);
	// Down while three seconds more are recorded and both outputs are refused again and again.
	await up.eventually(async () => (await recorded()) >= recordedAtKill + 3, 'three seconds recorded while down');
	for (const mount of ['/outage.opus', '/outage.mp3'])
		await up.waitForEvents((e) => e.event === 'retry' && e.mount === mount, 3, `retry of ${mount}`, {
			from: killedAt,
		});
	await icecast.restart();
	await up.waitLive(['/outage.opus', '/outage.mp3'], 15_000);
	// The title survives the reconnect: sent again to the MP3 mount, in the Ogg headers of a new listener.
	await up
		.eventually(
			async () => (await icecastSources(icecast.port)).get('/outage.mp3')?.title === 'Before the outage',
			'the MP3 title back',
		)
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}; jdcast says: ${(await jdcastOnce(['status', '--json', '--socket', socket])).stdout}; icecast: ${JSON.stringify([...(await icecastSources(icecast.port))])}`,
			);
		});
	const { file: heard } = await capture(
		`http://127.0.0.1:${icecast.port}/outage.opus`,
		1,
		path.join(dir, 'after.opus'),
	);
	assert.equal(oggChain(heard)[0]?.tags.TITLE, 'Before the outage');
	// The recording goes on after the reconnect: three more seconds in it.
	const afterOutage = await recorded();
	await up.eventually(async () => (await recorded()) >= afterOutage + 3, 'three more seconds recorded');

	assert.deepEqual(await connectionsOf(jack.name, 'jd_outage'), connections, 'JACK connections identical');
	assert.ok(isAlive(Number(encoder.pid)), 'the same ffmpeg still runs');
	assert.equal(up.events.filter((e) => e.event === 'encoder').length, 1, 'ffmpeg was never restarted');
	const recording = await stopAndCheckRecording(up, path.join(dir, 'outage.ogg'), startedAt, 0.02, clockRate);
	assert.ok(
		recording.longestSilence < 0.1,
		`no gap in the recording (longest silence ${recording.longestSilence.toFixed(3)} s)`,
	);
});

it('icecast2 down for 20 attempts: outputs retry with growing, capped delays, and are back live after', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'long',
		`${jackInput('jd_long', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /long.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/long.opus']);
	await icecast.kill();
	const killedAt = up.events.length;
	const downSince = performance.now();
	// Down for 20 attempts (the exact delays are the backoff's unit tests'): it keeps trying.
	const attempts = await up.waitForEvents((e) => e.event === 'retry' && e.mount === '/long.opus', 20, 'retry', {
		from: killedAt,
		timeoutMs: 60_000,
	});
	const downFor = (performance.now() - downSince) / 1000;
	assert.equal(up.outputState('/long.opus'), 'retrying');
	const delays = attempts.map((e) => Number(e.delayMs));
	assert.ok(Math.max(...delays) <= 500, `delays are capped at 0.5 s: ${delays.slice(0, 8).join(', ')} ...`);
	assert.ok(
		delays.slice(0, 3).reduce((a, b) => a + b, 0) < delays.slice(-3).reduce((a, b) => a + b, 0),
		`delays grow: ${delays.slice(0, 8).join(', ')} ...`,
	);
	// Not a storm: the attempts waited (most of) what they said; a loaded machine only waits longer.
	const waited = delays.slice(0, -1).reduce((a, b) => a + b, 0) / 1000;
	assert.ok(downFor >= waited * 0.8, `20 attempts in ${downFor.toFixed(1)} s, after waits of ${waited.toFixed(1)} s`);
	await icecast.restart();
	await up.waitLive(['/long.opus'], 10_000);
	// RECONNECTS counts every attempt after the first: each retry while Icecast was down.
	const liveAgain = up.events.findLastIndex(
		(e) => e.event === 'output' && e.mount === '/long.opus' && e.state === 'live',
	);
	const stats = await up.eventually(
		() => up.events.slice(liveAgain).find((e) => e.event === 'stats' && e.mount === '/long.opus'),
		'a stats line after the reconnect',
	);
	const retries = up.events.filter((e) => e.event === 'retry' && e.mount === '/long.opus').length;
	assert.equal(
		Number(stats.reconnects),
		retries + 1,
		`${String(stats.reconnects)} reconnects for ${retries} failed attempts and the one that worked`,
	);
});
