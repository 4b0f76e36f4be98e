import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { EmbeddedIcecast } from '@jdcast/core';
import type { DummyJack } from '@jdcast/core/testing';
import { tempDir } from './env.js';
import { runUp, writeProfile, type RunningJdcast } from './jdcast.js';
import { analyze } from './listener.js';
import { jackInput, serverEntry } from './profile.js';
import { startIcecast, startJack, startSignal } from './services.js';

export interface OneStream {
	jack: DummyJack;
	icecast: EmbeddedIcecast;
	dir: string;
	up: RunningJdcast;
	client: string;
	mount: string;
}

/**
 * The common start of a test: a JACK server with the test signal, an icecast2, and `jdcast up`
 * running one Opus stream `/NAME.opus` from client `jd_NAME` (plus `extra` profile lines), live.
 */
export async function upOneStream(
	t: TestContext,
	name: string,
	extra = '',
	env: NodeJS.ProcessEnv = {},
): Promise<OneStream> {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const client = `jd_${name}`;
	const mount = `/${name}.opus`;
	const file = writeProfile(
		dir,
		name,
		`${jackInput(client, jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: ${mount}, format: opus }\n${extra}`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), ...env });
	await up.waitLive([mount]);
	return { jack, icecast, dir, up, client, mount };
}

/**
 * Stops jdcast with SIGINT (exit 0) and checks the recording covers the time on air, within
 * `tolerance` (a fraction) or half a second, whichever is more: the wall time, counted at the rate
 * the JACK clock ran (`clockRate`, from `jackClockRate`), since the audio is JACK's. The half second
 * is what the start of the audio can be told to from outside on a loaded machine (between ffmpeg's
 * start and its first bytes); a loss worth the name — a blocked writer, a part dropped — is seconds.
 * The time on air ends between the signal and the file's `recording` stopped event: a loaded machine
 * takes a while to stop, and the audio of that while is rightly in the file.
 */
export async function stopAndCheckRecording(
	up: RunningJdcast,
	file: string,
	startedAt: number,
	tolerance: number,
	clockRate?: () => Promise<number>,
) {
	const rate = clockRate ? await clockRate() : 1;
	const signalledAt = Date.now();
	assert.equal(await up.stop('SIGINT'), 0);
	const closed = up.events.findLast((e) => e.event === 'recording' && e.state === 'stopped');
	const closedAt = closed ? Date.parse(String(closed.time)) : Date.now();
	const recording = await analyze(file);
	assert.deepEqual(recording.decodeErrors, [], 'the recording decodes without error');
	const onAir = (end: number) => ((end - startedAt) / 1000) * rate;
	const [least, most] = [onAir(signalledAt), onAir(Math.max(signalledAt, closedAt))];
	const slack = Math.max(tolerance * least, 0.5);
	assert.ok(
		recording.duration > least - slack && recording.duration < most + slack,
		`recording ${recording.duration.toFixed(2)} s vs on air ${least.toFixed(2)} to ${most.toFixed(2)} s (JACK clock at ${(rate * 100).toFixed(1)} % of the wall's)`,
	);
	return recording;
}
