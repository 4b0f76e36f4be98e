import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { eventually, tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { analyze } from './helpers/listener.js';
import { isAlive } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { clientExists, startIcecast, startJack, startSignal } from './helpers/services.js';

it('SIGINT: exit 0, no ffmpeg left, the JACK client gone, recordings decodable', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(dir, 'bye', `${jackInput('jd_bye', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /bye.opus, format: opus }\nrecord:\n  - { path: bye.opus, format: opus }\n  - { path: bye.mp3, format: mp3 }\n`);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/bye.opus']);
	const encoder = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	await eventually(() => clientExists(jack.name, 'jd_bye'), 'the JACK client jd_bye');
	await sleep(3000);

	assert.equal(await up.stop('SIGINT'), 0);
	assert.equal(isAlive(Number(encoder.pid)), false, 'ffmpeg is gone');
	assert.equal(await clientExists(jack.name, 'jd_bye'), false, 'the JACK client is gone');
	for (const [name, codec] of [['bye.opus', 'opus'], ['bye.mp3', 'mp3']] as const) {
		const report = await analyze(path.join(dir, name));
		assert.equal(report.codec, codec);
		assert.deepEqual(report.decodeErrors, [], `${name} decodes without error`);
		assert.ok(report.duration > 2.5, `${name} holds ${report.duration} s`);
	}
	const last = up.events.filter((e) => e.event === 'profile').at(-1);
	assert.equal(last?.state, 'stopped');
});
