import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { eventually, tempDir } from './helpers/env.js';
import { audioStartedAt, runUp, writeProfile } from './helpers/jdcast.js';
import { analyze } from './helpers/listener.js';
import { childrenOf, processes } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

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

	await eventually(
		async () => (await liveMounts(one.port)).join() === '/live.flac,/live.opus,/second.opus',
		'three mounts listed on the first server',
	);
	await eventually(
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

	await sleep(8000);
	const stoppedAt = Date.now();
	assert.equal(await up.stop('SIGINT'), 0);
	assert.ok(
		!up.stderr().includes(password) && !JSON.stringify(up.events).includes(password),
		'the password is in no output',
	);

	const recording = await analyze(path.join(dir, 'rec', 'fanout.ogg'));
	assert.equal(recording.codec, 'flac');
	assert.deepEqual(recording.decodeErrors, []);
	const wall = (stoppedAt - startedAt) / 1000;
	assert.ok(
		Math.abs(recording.duration - wall) / wall < 0.05,
		`recording ${recording.duration.toFixed(2)} s vs wall ${wall.toFixed(2)} s`,
	);
	assert.ok(
		Math.abs(recording.frequency - SIGNAL_LEFT_HZ) < 5,
		`recording holds the test signal (${recording.frequency.toFixed(1)} Hz)`,
	);
});
