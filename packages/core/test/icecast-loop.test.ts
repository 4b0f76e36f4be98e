import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { FakeConnection, fakeOutput, mockClock, pass, settle } from './fake-icecast.js';

/** The longest wait of each backoff step (no jitter), so that the waits are exact. */
function noJitter(t: TestContext): void {
	t.mock.method(Math, 'random', () => 1);
}

/** How long the next attempt took to come, in steps of 10 ms of mock time. */
async function nextAttempt(t: TestContext, server: { attempts: number }): Promise<number> {
	const before = server.attempts;
	let waited = 0;
	while (server.attempts === before && waited < 60_000) {
		await pass(t, 10);
		waited += 10;
	}
	return waited;
}

it('connects, is live from its first unit, reconnects at once after a drop, and backs off while the server refuses', async (t) => {
	noJitter(t);
	const { output, icecast, tap, events, pending } = fakeOutput(t);
	output.start();
	await settle();
	assert.equal(icecast.attempts, 1);
	assert.equal(output.state, 'connecting', 'a connection alone is not audio');
	tap.push();
	assert.equal(output.state, 'live');
	assert.equal(output.liveSince?.getTime(), 0);
	assert.equal(icecast.last.written.length, 1);

	// Dropped after half a minute on air: reconnected at once, and counted.
	await pass(t, 30_000);
	icecast.last.drop();
	assert.equal(output.state, 'retrying');
	assert.equal(output.liveSince, null);
	await settle();
	assert.equal(icecast.attempts, 2);
	assert.equal(icecast.live.length, 1);
	tap.push();
	assert.equal(output.state, 'live');
	assert.equal(output.reconnects, 1);
	assert.equal(output.lastError, null, 'all is well again');

	// Dropped again, and the server refuses from then on: each try waits twice the last, up to 500 ms.
	await pass(t, 30_000);
	icecast.answer = 'E_ICECAST_REFUSED';
	icecast.last.drop();
	await settle();
	assert.equal(icecast.attempts, 3);
	const waits = [];
	for (let i = 0; i < 4; i++) waits.push(await nextAttempt(t, icecast));
	assert.deepEqual(waits, [100, 200, 400, 500]);
	assert.equal(pending.size, 1, 'one wait at a time');
	icecast.answer = 'accept';
	await pass(t, 500);
	assert.equal(icecast.live.length, 1);
	tap.push();
	assert.deepEqual(events, [
		'state live',
		'state retrying E_ICECAST_CLOSED',
		'state live',
		'state retrying E_ICECAST_CLOSED',
		'retry 1 100 E_ICECAST_REFUSED',
		'retry 2 200 E_ICECAST_REFUSED',
		'retry 3 400 E_ICECAST_REFUSED',
		'retry 4 500 E_ICECAST_REFUSED',
		'retry 5 500 E_ICECAST_REFUSED',
		'state live',
	]);
	assert.equal(output.reconnects, 7);
	assert.equal(pending.size, 0);
	await output.stop();
	assert.equal(icecast.live.length, 0);
});

it('a server that accepts and closes at once: the second such close waits a second, and the cause stays shown until a connection keeps up a minute', async (t) => {
	noJitter(t);
	const { output, icecast, tap, events, pending } = fakeOutput(t);
	output.start();
	await settle();
	tap.push();
	await pass(t, 10_000);
	// Dropped after ten seconds, then accepted and closed at once twice: the first two are reconnected at
	// once (the first quick close may be a server restarted), the third waits.
	for (let drop = 1; drop <= 2; drop++) {
		icecast.last.drop();
		await settle();
		assert.equal(icecast.attempts, 1 + drop);
	}
	icecast.last.drop();
	await settle();
	assert.equal(icecast.attempts, 3, 'no try while it backs off');
	assert.equal(events.at(-1), 'retry 2 1000 E_ICECAST_CLOSED');
	assert.equal(pending.size, 1);
	await pass(t, 999);
	assert.equal(icecast.attempts, 3);
	await pass(t, 1);
	assert.equal(icecast.attempts, 4);
	assert.equal(pending.size, 0);

	// Live again, still marked: never shown plainly live before it kept up for a minute.
	tap.push();
	assert.equal(output.state, 'live');
	assert.equal(output.lastErrorCode, 'E_ICECAST_CLOSED');
	for (let second = 0; second < 59; second++) {
		await pass(t, 1000);
		tap.push();
		output.tick();
	}
	assert.equal(output.lastErrorCode, 'E_ICECAST_CLOSED');
	await pass(t, 1000);
	tap.push();
	output.tick();
	assert.equal(output.lastErrorCode, null);
	assert.equal(events.at(-1), 'state live', 'the mark going is said');
	await output.stop();
});

it('a shared mount another source holds: waiting, asked every 100 ms, no reconnect counted; taken once free', async (t) => {
	noJitter(t);
	const time = mockClock(t);
	const { output, icecast, tap, events } = fakeOutput(t, { shared: true, time });
	icecast.answer = 'E_ICECAST_MOUNT_IN_USE';
	output.start();
	await settle();
	assert.equal(output.state, 'waiting');
	assert.equal(output.lastError, null, 'a turn to wait for is no fault');
	await pass(t, 100);
	await pass(t, 100);
	assert.equal(icecast.attempts, 3);
	icecast.answer = 'accept';
	await pass(t, 100);
	tap.push();
	assert.deepEqual(events, ['state waiting', 'blocked', 'state live']);
	assert.equal(output.reconnects, 0);

	// The same answer for a mount that is not shared is a fault: retried after a second, growing.
	const alone = fakeOutput(t, { time });
	alone.icecast.answer = 'E_ICECAST_MOUNT_IN_USE';
	alone.output.start();
	await settle();
	assert.deepEqual(alone.events, ['state retrying E_ICECAST_MOUNT_IN_USE', 'retry 1 1000 E_ICECAST_MOUNT_IN_USE']);
	assert.equal(await nextAttempt(t, alone.icecast), 1000);
	await Promise.all([output.stop(), alone.output.stop()]);
	assert.equal(time.pending.size, 0);
});

it('a wrong password: failed for good, no further try and no timer; nothing brings it back but a new output', async (t) => {
	const { output, icecast, events, pending } = fakeOutput(t);
	icecast.answer = 'E_ICECAST_AUTH';
	output.start();
	await settle();
	assert.equal(output.state, 'failed');
	assert.equal(output.lastErrorCode, 'E_ICECAST_AUTH');
	await pass(t, 600_000);
	assert.equal(icecast.attempts, 1);
	assert.equal(pending.size, 0);
	output.resume();
	output.start();
	await settle();
	assert.equal(icecast.attempts, 1);
	await assert.rejects(output.adopt(new FakeConnection().asSource), {
		code: 'E_ICECAST_CLOSED',
		message: '/live.mp3 on station cannot take over a connection now (failed)',
	});
	assert.equal(output.handOff(), undefined);
	assert.equal(output.state, 'failed', 'still failed, its cause kept');
	await output.stop();
	assert.deepEqual(events, ['state failed E_ICECAST_AUTH', 'state stopped']);
});

it('an output failed before it began (no password) never starts', async (t) => {
	const { output, icecast } = fakeOutput(t);
	output.fail('no password for station', 'E_SECRET_MISSING');
	output.start();
	await settle();
	assert.equal(icecast.attempts, 0);
	assert.equal(output.started, false);
	assert.equal(output.status().lastErrorCode, 'E_SECRET_MISSING');
});
