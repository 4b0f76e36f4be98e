import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { tempDir } from './helpers/env.js';
import { audioStartedAt, runUp, writeProfile } from './helpers/jdcast.js';
import { childrenOf, processes } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { stopAndCheckRecording } from './helpers/scenario.js';
import { jackClockRate, SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

interface IcecastStatus {
	icestats: { source?: { listenurl: string; server_type: string } | { listenurl: string; server_type: string }[] };
}

async function liveMounts(port: number): Promise<string[]> {
	const status = (await (await fetch(`http://127.0.0.1:${port}/status-json.xsl`)).json()) as IcecastStatus;
	const sources = status.icestats.source;
	return (Array.isArray(sources) ? sources : sources ? [sources] : []).map((s) => new URL(s.listenurl).pathname).sort();
}

it('one ffmpeg, two encoders: Opus 96 to three mounts on two servers, a FLAC mount and a FLAC recording', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
	const one = await startIcecast(t, { sourcePassword: password });
	const two = await startIcecast(t, { sourcePassword: password });
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'fanout',
		`name: fanout
${jackInput('jd_fanout', jack.name)}servers:
${serverEntry('one', one.port)}${serverEntry('two', two.port)}streams:
  - { mount: /live.opus, format: opus, bitrate: 96 }
  - { mount: /second.opus, format: opus, bitrate: 96, servers: [one] }
  - { mount: /live.flac, format: flac, servers: [one] }
record:
  - { path: "rec/{profile}.ogg", format: flac }
`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: password });
	await up.waitLive(['/live.opus', '/second.opus', '/live.flac']);
	const started = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	const startedAt = await audioStartedAt(up);
	const clockRate = await jackClockRate(jack.name);

	await up.eventually(
		async () => (await liveMounts(one.port)).join() === '/live.flac,/live.opus,/second.opus',
		'three mounts listed on the first server',
	);
	await up.eventually(
		async () => (await liveMounts(two.port)).join() === '/live.opus',
		'one mount listed on the second server',
	);

	const ffmpegs = childrenOf(up.child.pid!).filter((p) => p.argv[0]?.endsWith('ffmpeg'));
	assert.equal(ffmpegs.length, 1, 'one ffmpeg process for the profile');
	assert.deepEqual(
		ffmpegs[0]!.argv.filter((a) => a.startsWith('pipe:')),
		['pipe:3', 'pipe:4', 'pipe:5'],
		"two encoders and the level meter's PCM copy",
	);
	assert.equal(ffmpegs[0]!.pid, started.pid);

	const leaking = processes().filter((p) => p.argv.some((a) => a.includes(password)));
	assert.deepEqual(
		leaking.map((p) => p.argv.join(' ')),
		[],
		'no process has the password in its argv',
	);
	assert.doesNotMatch(
		readFileSync(`/proc/${ffmpegs[0]!.pid}/environ`, 'utf8'),
		/JD_TEST_PW=/,
		'nor ffmpeg in its environment',
	);

	// Stopped once the recording holds 5 s by jdcast's count; then it must hold the time on air.
	await up.eventually(async () => ((await up.status()).profiles[0]?.recordings[0]?.seconds ?? 0) >= 5, '5 s recorded');
	const recording = await stopAndCheckRecording(up, path.join(dir, 'rec', 'fanout.ogg'), startedAt, 0.05, clockRate);
	assert.ok(
		!up.stderr().includes(password) && !JSON.stringify(up.events).includes(password),
		'the password is in no output',
	);
	assert.equal(recording.codec, 'flac');
	assert.ok(
		Math.abs(recording.frequency - SIGNAL_LEFT_HZ) < 5,
		`recording holds the test signal (${recording.frequency.toFixed(1)} Hz)`,
	);
});
