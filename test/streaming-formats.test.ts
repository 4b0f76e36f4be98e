import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

const FORMATS = [
	{ mount: '/late.opus', format: 'opus', codec: 'opus' },
	{ mount: '/late.ogg', format: 'vorbis', codec: 'vorbis' },
	{ mount: '/late.flac', format: 'flac', codec: 'flac' },
	{ mount: '/late.mp3', format: 'mp3', codec: 'mp3' },
];

it('every format: a listener joining 5 s after the mount went live decodes the test signal', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'formats',
		`${jackInput('jd_formats', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n${FORMATS.map((f) => `  - { mount: ${f.mount}, format: ${f.format} }`).join('\n')}\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(FORMATS.map((f) => f.mount));
	// Late: once jdcast's own stats lines show every mount still live 5 s after it went live.
	const wentLive = (mount: string) =>
		Date.parse(
			String(up.events.findLast((e) => e.event === 'output' && e.mount === mount && e.state === 'live')?.time),
		);
	const liveFor = (mount: string) =>
		up.events.some(
			(e) =>
				e.event === 'stats' &&
				e.mount === mount &&
				e.state === 'live' &&
				Date.parse(String(e.time)) - wentLive(mount) >= 5000,
		);
	await up.eventually(() => FORMATS.every((f) => liveFor(f.mount)), 'every mount live for 5 s');

	const captures = await Promise.all(
		FORMATS.map((f) => capture(`http://127.0.0.1:${icecast.port}${f.mount}`, 4, path.join(dir, f.mount.slice(1)))),
	);
	for (const [i, f] of FORMATS.entries()) {
		const report = await analyze(captures[i]!.file);
		assert.equal(report.codec, f.codec, `${f.mount} codec`);
		assert.deepEqual(report.decodeErrors, [], `${f.mount} decodes without error`);
		assert.ok(report.duration > 3.5, `${f.mount}: ${report.duration} s decoded`);
		assert.ok(report.rms > 0.05, `${f.mount} is not silence (rms ${report.rms})`);
		assert.ok(
			Math.abs(report.frequency - SIGNAL_LEFT_HZ) < 5,
			`${f.mount} is the test signal (${report.frequency.toFixed(1)} Hz)`,
		);
	}
});
