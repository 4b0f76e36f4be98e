import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { audioStartedAt, jdcastOnce, runUp, writeProfile } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { isAlive } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { stopAndCheckRecording, upOneStream } from './helpers/scenario.js';
import { jackClockRate, SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

it('ffmpeg stopped with SIGSTOP: killed and restarted within 6 s, the outputs not live meanwhile, a listener then hears the signal', async (t) => {
	const { up, icecast, dir, mount } = await upOneStream(t, 'frozen');
	const first = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	// Every pipe delivering (the meter's too: its level events), so that the stall limit applies, not the first-bytes one.
	await up.waitForEvent(
		(e) => e.event === 'level' && Date.parse(String(e.time)) >= Date.parse(String(first.time)),
		'the encoder delivering on every pipe',
	);
	const stoppedAt = Date.now();
	process.kill(Number(first.pid), 'SIGSTOP');
	t.after(() => {
		if (isAlive(Number(first.pid))) process.kill(Number(first.pid), 'SIGKILL');
	});

	const stalled = await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === mount && e.state === 'stalled',
		'the output to say stalled',
		5000,
	);
	assert.ok(Date.parse(String(stalled.time)) - stoppedAt < 3000, 'stalled, not live, within 3 s');
	const second = await up.waitForEvent(
		(e) => e.event === 'encoder' && e.running === true && e.pid !== first.pid,
		'a new ffmpeg',
		8000,
	);
	const restartedAfter = (Date.parse(String(second.time)) - stoppedAt) / 1000;
	assert.ok(restartedAfter < 6, `new ffmpeg ${restartedAfter.toFixed(1)} s after the stall began`);
	const why = up.events.find((e) => e.event === 'encoder' && e.running === false);
	assert.match(String(why?.reason), /ffmpeg stalled: no audio for \d+\.\d s/);
	await eventually(() => !isAlive(Number(first.pid)), 'the stopped ffmpeg to be gone', 3000);

	const back = await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === mount && e.state === 'live' && Date.parse(String(e.time)) > stoppedAt,
		'the output live again',
		6000,
	);
	assert.ok(Date.parse(String(back.time)) - stoppedAt < 6000, 'listeners have audio again within 6 s');
	const heard = await analyze(
		(await capture(`http://127.0.0.1:${icecast.port}${mount}`, 4, path.join(dir, 'after.opus'))).file,
	);
	assert.deepEqual(heard.decodeErrors, []);
	assert.ok(Math.abs(heard.frequency - SIGNAL_LEFT_HZ) < 10, `the signal: ${heard.frequency.toFixed(0)} Hz`);
});

it('a server that reads 1 byte a second beside a real one: the slow target is dropped as slow within 15 s, the real one and the recording lose nothing', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const slowPort = await freePort();
	const slow = execa('python3', [new URL('./fixtures/slow-icecast.py', import.meta.url).pathname, String(slowPort)], {
		reject: false,
		stdin: 'pipe',
		buffer: false,
	});
	t.after(async () => {
		slow.kill('SIGKILL');
		await slow;
	});
	await new Promise<void>((resolve) => slow.stdout!.once('data', () => resolve()));
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'slow',
		`${jackInput('jd_slow', jack.name)}servers:\n${serverEntry('main', icecast.port)}${serverEntry('slow', slowPort)}streams:\n  - { mount: /slow.opus, format: opus }\nrecord:\n  - { path: slow.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitForEvent(
		(e) => e.event === 'output' && e.server === 'main' && e.state === 'live',
		'the real server live',
	);
	const startedAt = await audioStartedAt(up);
	const clockRate = await jackClockRate(jack.name);
	const listener = capture(`http://127.0.0.1:${icecast.port}/slow.opus`, 16, path.join(dir, 'listener.opus'));

	const dropped = await up.waitForEvent(
		(e) => e.event === 'output' && e.server === 'slow' && e.state === 'retrying' && e.code === 'E_ICECAST_SLOW',
		'the slow target dropped',
		15_000,
	);
	assert.ok(Date.parse(String(dropped.time)) - startedAt < 15_000);
	assert.match(
		String(dropped.error),
		new RegExp(`127\\.0\\.0\\.1:${slowPort} takes /slow\\.opus slower than it is produced`),
	);
	const heard = await analyze((await listener).file);
	assert.deepEqual(heard.decodeErrors, []);
	assert.ok(
		heard.longestSilence < 0.1,
		`the real server's listener heard a gap of ${heard.longestSilence.toFixed(2)} s`,
	);
	assert.ok(heard.duration > 14, `the listener got ${heard.duration.toFixed(1)} s in 16 s (burst included)`);
	assert.equal(
		up.events.filter((e) => e.event === 'output' && e.server === 'main').length,
		1,
		'the real target never left live',
	);
	// Retried, it is live again for a while before the next drop: never shown plainly live, and health says so.
	const back = await up.waitForEvent(
		(e) =>
			e.event === 'output' &&
			e.server === 'slow' &&
			e.state === 'live' &&
			up.events.indexOf(e) > up.events.indexOf(dropped),
		'the slow target retried and live again',
		30_000,
	);
	assert.equal(
		back.code,
		'E_ICECAST_SLOW',
		'live again, but marked: it was dropped as too slow within the last minute',
	);
	const table = await jdcastOnce(['health', '--socket', up.socket]);
	assert.equal(table.code, 1);
	// Marked while live, or dropped again already: red either way.
	assert.match(
		table.stderr + table.stdout,
		/\/slow\.opus on slow (was dropped as too slow within the last minute|is retrying)/,
	);
	await up.waitForEvent(
		(e) =>
			e.event === 'output' &&
			e.server === 'slow' &&
			e.state === 'retrying' &&
			e.code === 'E_ICECAST_SLOW' &&
			up.events.indexOf(e) > up.events.indexOf(back),
		'dropped again',
		30_000,
	);
	const plain = up.events.filter(
		(e) => e.event === 'output' && e.server === 'slow' && e.state === 'live' && e.code !== 'E_ICECAST_SLOW',
	);
	assert.equal(plain.length, 1, `only its first connection was ever plainly live: ${JSON.stringify(plain)}`);
	const recording = await stopAndCheckRecording(up, path.join(dir, 'slow.opus'), startedAt, 0.03, clockRate);
	assert.ok(recording.longestSilence < 0.1, `the recording has a gap of ${recording.longestSilence.toFixed(2)} s`);
});
