import assert from 'node:assert/strict';
import { it } from 'node:test';
import { JdcastError, loadProfileObject, Orchestrator, type Profile } from '@jdcast/core';
import { freePort } from './helpers/env.js';

/** A tone profile to a server on `port`, its password from `passwordEnv`. */
function toneProfile(name: string, port: number, passwordEnv: string): Profile {
	const { profile, diagnostics } = loadProfileObject(
		{
			input: { tone: {} },
			silence: false,
			servers: { s: { host: '127.0.0.1', port, password_env: passwordEnv } },
			streams: [{ mount: `/${name}.opus`, format: 'opus' }],
		},
		{ name },
	);
	assert.ok(profile, JSON.stringify(diagnostics));
	return profile;
}

const notLive = (pattern: RegExp) => (error: unknown) =>
	error instanceof JdcastError && error.code === 'E_NOT_LIVE' && pattern.test(error.message);

it('live() with nothing started rejects at once (E_NOT_LIVE), not after its timeout', async () => {
	await assert.rejects(new Orchestrator().live({ timeoutMs: 600_000 }), notLive(/no profile is running/));
});

it('live() rejects as soon as every output it waits for has failed for good (a password that cannot be read); the profile says it failed, and runs nothing', async () => {
	const jdcast = new Orchestrator({ listenerCounts: false });
	try {
		await jdcast.start([toneProfile('nopass', await freePort(), 'JDCAST_TEST_NO_SUCH_VARIABLE')]);
		await assert.rejects(
			jdcast.live({ timeoutMs: 600_000 }),
			notLive(/^cannot go live: nopass \/nopass\.opus on s: failed/),
		);
		const profile = jdcast.status().profiles.find((p) => p.name === 'nopass');
		assert.equal(profile?.state, 'failed');
		assert.match(profile?.lastError ?? '', /^every output failed for good: .*JDCAST_TEST_NO_SUCH_VARIABLE/);
		assert.equal(profile?.encoder.pid, null, 'no ffmpeg runs for a profile that failed');
	} finally {
		await jdcast.stop();
	}
});

it('live() rejects when stop() is called while it waits (no "on air" after "stopped")', async () => {
	const jdcast = new Orchestrator({ listenerCounts: false });
	process.env.JDCAST_TEST_SOME_PASSWORD = 'x';
	// Nothing listens on that port: the output retries, and live() would wait its whole timeout.
	await jdcast.start([toneProfile('nobody', await freePort(), 'JDCAST_TEST_SOME_PASSWORD')]);
	const waiting = jdcast.live({ timeoutMs: 600_000 });
	await jdcast.stop();
	await assert.rejects(waiting, notLive(/stopped while waiting/));
});
