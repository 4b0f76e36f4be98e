import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import type { StatusSnapshot } from '@jdcast/core';
import { connectPorts } from '@jdcast/core/testing';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, socketFor, writeProfile } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast, startJack, startSignal } from './helpers/services.js';

async function status(socket: string): Promise<StatusSnapshot> {
	const { code, stdout, stderr } = await jdcastOnce(['status', '--json', '--socket', socket]);
	assert.equal(code, 0, stderr);
	return JSON.parse(stdout) as StatusSnapshot;
}

/** A webhook receiver on loopback: every POSTed JSON body, in order. */
async function webhook(
	t: TestContext,
): Promise<{ url: string; bodies: { event: string; state: string; seconds: number; profile: string }[] }> {
	const bodies: { event: string; state: string; seconds: number; profile: string }[] = [];
	const server = http.createServer((request, response) => {
		let text = '';
		request.on('data', (chunk: Buffer) => (text += chunk.toString()));
		request.on('end', () => {
			bodies.push(JSON.parse(text) as (typeof bodies)[number]);
			response.end('ok');
		});
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	t.after(() => server.close());
	return { url: `http://127.0.0.1:${port}/hook?token=abc`, bodies };
}

it('a 1 kHz tone at -23 dBFS reads -23 LUFS integrated and -23 dBFS peak (EBU Tech 3341 case 1), and a listener hears that level', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'loud',
		`input: { tone: { frequency: 1000, level: -23 } }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /loud.opus, format: opus }\n`,
	);
	const socket = socketFor(t);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), JDCAST_SOCKET: socket });
	await up.waitLive(['/loud.opus']);
	const heard = capture(`http://127.0.0.1:${icecast.port}/loud.opus`, 4, path.join(dir, 'heard.opus'));
	const level = await up.waitForEvent(
		(e) => e.event === 'level' && e.shortTermLufs !== null,
		'a level event with short-term loudness',
		10_000,
	);
	assert.deepEqual(level.peakDb, [-23, -23]);
	const audio = (await eventually(async () => (await status(socket)).profiles[0]?.audio, 'levels in status'))!;
	assert.ok(Math.abs(audio.integratedLufs! + 23) <= 0.5, `integrated ${audio.integratedLufs} LUFS`);
	assert.ok(Math.abs(audio.momentaryLufs! + 23) <= 0.5, `momentary ${audio.momentaryLufs} LUFS`);
	for (const peak of audio.peakDb) assert.ok(Math.abs(peak! + 23) <= 0.5, `peak ${peak} dBFS`);
	// A sine's RMS is 3 dB under its peak, and its true peak is its sample peak.
	for (const rms of audio.rmsDb) assert.ok(Math.abs(rms! + 26) <= 0.5, `rms ${rms} dBFS`);
	assert.ok(Math.abs(audio.truePeakDb! + 23) <= 0.5, `true peak ${audio.truePeakDb} dBTP`);
	assert.equal(audio.silent, false);
	assert.equal(audio.clips, 0);

	const report = await analyze((await heard).file);
	assert.deepEqual(report.decodeErrors, []);
	const listenerRmsDb = 20 * Math.log10(report.rms);
	assert.ok(Math.abs(listenerRmsDb + 26) <= 1, `the listener decodes ${listenerRmsDb.toFixed(1)} dBFS RMS`);
	assert.ok(Math.abs(report.frequency - 1000) < 20, `the listener hears ${report.frequency.toFixed(0)} Hz`);
});

it('JACK input with nothing connected: silence starts after `after` s and ends once a source is connected; the command and the webhook hear both', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const hook = await webhook(t);
	const log = path.join(dir, 'alarms.log');
	writeFileSync(log, '');
	// The shell is the user's own choice here, as the docs say.
	const run = `["sh", "-c", "echo $JDCAST_EVENT $JDCAST_PROFILE $JDCAST_SECONDS pw=\${JD_TEST_PW:-none} >> ${log}"]`;
	const file = writeProfile(
		dir,
		'mute',
		`input:\n  jack: { client: jd_mute, server: ${jack.name} }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /mute.opus, format: opus }\nsilence:\n  threshold: -50\n  after: 2\n  run: ${run}\n  webhook: ${hook.url}\n`,
	);
	const socket = socketFor(t);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), JDCAST_SOCKET: socket });
	await up.waitLive(['/mute.opus']);
	const live = Date.now();

	const started = await up.waitForEvent(
		(e) => e.event === 'silence' && e.state === 'started',
		'silence to start',
		10_000,
	);
	const after = (Date.parse(String(started.time)) - live) / 1000;
	assert.ok(after >= 1.5 && after < 5, `reported ${after.toFixed(1)} s after going live`);
	assert.ok(Number(started.seconds) >= 2);
	const during = (await status(socket)).profiles[0]!.audio!;
	assert.equal(during.silent, true);
	assert.ok(during.silentSince, 'silentSince is set');
	assert.equal(during.peakDb[0], null, 'digital silence reads null (-∞)');

	assert.ok(await connectPorts('jack_simple_client:output1', 'jd_mute:input_1', jack.name));
	const connected = Date.now();
	const ended = await up.waitForEvent((e) => e.event === 'silence' && e.state === 'ended', 'silence to end', 10_000);
	const endedAfter = (Date.parse(String(ended.time)) - connected) / 1000;
	assert.ok(endedAfter < 2, `ended ${endedAfter.toFixed(2)} s after the source was connected`);
	assert.ok(Number(ended.seconds) >= 2, `${ended.seconds} s of dead air`);
	assert.equal((await status(socket)).profiles[0]!.audio!.silent, false);

	await eventually(() => readFileSync(log, 'utf8').includes('silence-ended'), 'the command to run twice');
	const lines = readFileSync(log, 'utf8').trim().split('\n');
	assert.equal(lines.length, 2);
	assert.match(lines[0]!, /^silence-started mute \d+(\.\d)? pw=none$/);
	assert.match(lines[1]!, /^silence-ended mute \d+(\.\d)? pw=none$/, 'the command gets no password variable');
	await eventually(() => hook.bodies.length === 2, 'two webhook calls');
	assert.deepEqual(
		hook.bodies.map((b) => [b.event, b.profile, b.state]),
		[
			['silence', 'mute', 'started'],
			['silence', 'mute', 'ended'],
		],
	);
	assert.ok(!JSON.stringify(up.events).includes('token=abc'), 'the webhook URL (it may hold a token) is never printed');
});
