import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import type { OutputState } from '../src/status/types.js';
import { FakeConnection, FakeServer, fakeOutput, mockClock, pass, settle } from './fake-icecast.js';

/** Two DJs' outputs of one shared mount on one server, each with its own tap, on one mock time. */
function twoDjs(t: TestContext) {
	const time = mockClock(t);
	const icecast = new FakeServer();
	return {
		icecast,
		time,
		anna: fakeOutput(t, { shared: true, server: icecast, time }),
		ben: fakeOutput(t, { shared: true, server: icecast, time }),
	};
}

it('a handover: the mount handed off seeks nothing, the held output adopts the live connection at its next unit', async (t) => {
	const { icecast, time, anna, ben } = twoDjs(t);
	// Ben is held back before his turn: started, and seeking nothing.
	ben.output.hold();
	ben.output.start();
	assert.equal(ben.output.state, 'standby');
	assert.equal(ben.output.parkedFor, 'hold');
	anna.output.start();
	await settle();
	anna.tap.push('anna');
	assert.equal(icecast.attempts, 1);

	const held = anna.output.handOff();
	assert.ok(held, 'Anna was on air');
	assert.equal(held.connection, icecast.last.asSource);
	assert.equal(icecast.last.ended, false, 'handed over open');
	assert.equal(anna.output.state, 'standby');
	assert.equal(anna.output.parkedFor, 'handover');
	anna.tap.push('anna');
	assert.equal(icecast.last.written.length, 1, 'nothing more from Anna');

	await pass(t, 250);
	const firstWrite = ben.output.adopt(held.connection);
	ben.tap.push('ben');
	assert.equal(await firstWrite, 250);
	assert.equal(ben.output.state, 'live');
	assert.equal(ben.output.parkedFor, undefined);
	assert.deepEqual(
		icecast.last.written.map((unit) => unit.toString()),
		['anna', 'ben'],
	);
	assert.equal(ben.output.cameLater, true, 'the mount came to Ben later');

	// Nobody seeks the mount meanwhile, however long.
	await pass(t, 600_000);
	assert.equal(icecast.attempts, 1);
	assert.equal(time.pending.size, 0);

	// Ben on air takes no other connection; Anna, resumed, waits for the mount Ben holds.
	await assert.rejects(ben.output.adopt(new FakeConnection().asSource), {
		code: 'E_ICECAST_CLOSED',
		message: '/live.mp3 on station cannot take over a connection now (live)',
	});
	icecast.answer = 'E_ICECAST_MOUNT_IN_USE';
	anna.output.resume();
	await settle();
	assert.equal(anna.output.state, 'waiting');
	assert.deepEqual(anna.events, ['state live', 'state standby', 'state waiting', 'blocked']);
	assert.deepEqual(ben.events, ['state standby', 'state live']);
	await Promise.all([anna.output.stop(), ben.output.stop()]);
	assert.equal(icecast.live.length, 0);
	assert.equal(time.pending.size, 0);
});

it('released for dead air: the connection closed, nothing sought until resumed; a connection handed over that ended is refused', async (t) => {
	const { output, icecast, tap, events } = fakeOutput(t, { shared: true });
	output.start();
	await settle();
	tap.push();
	output.release();
	assert.equal(icecast.live.length, 0, 'Icecast moves the listeners to the fallback');
	assert.equal(output.parkedFor, 'yield');
	await pass(t, 600_000);
	assert.equal(icecast.attempts, 1);

	// Handed a connection that had ended meanwhile: refused, and it seeks its mount as after any close.
	const ended = new FakeConnection();
	ended.close();
	await assert.rejects(output.adopt(ended.asSource), { message: 'the connection handed over had already ended' });
	await settle();
	assert.equal(icecast.attempts, 2);
	tap.push();
	assert.equal(output.state, 'live');
	assert.deepEqual(events, ['state live', 'state standby', 'state live']);
	await output.stop();
});

it('held before it starts: resumed before its start, it seeks only once started', async (t) => {
	const { output, icecast } = fakeOutput(t, { shared: true });
	output.hold();
	assert.equal(output.started, false);
	output.resume();
	await settle();
	assert.equal(icecast.attempts, 0);
	output.start();
	await settle();
	assert.equal(icecast.attempts, 1);
	assert.equal(output.started, true);
	await output.stop();
});

type Fake = ReturnType<typeof fakeOutput>;
/** Started against a server that answers every attempt so. */
const startedAgainst =
	(answer: FakeServer['answer']) =>
	async ({ output, icecast }: Fake) => {
		icecast.answer = answer;
		output.start();
	};
/** Started, connected, and live from its first unit. */
async function onAir({ output, tap }: Fake): Promise<void> {
	output.start();
	await settle();
	tap.push();
}
/** Ways to bring an output to a state before it is stopped: each with the state then shown. */
const states: [string, OutputState, (o: Fake, t: TestContext) => Promise<unknown>][] = [
	['never started', 'connecting', async () => {}],
	['held before its start', 'standby', async ({ output }) => output.hold()],
	['connecting, its attempt unanswered', 'connecting', startedAgainst('hang')],
	['retrying, between two tries', 'retrying', startedAgainst('E_ICECAST_REFUSED')],
	['waiting for a shared mount', 'waiting', startedAgainst('E_ICECAST_MOUNT_IN_USE')],
	[
		"backing off after a failing server's drop",
		'retrying',
		async (fake, t) => {
			const { icecast } = fake;
			await onAir(fake);
			// Too slow for the stream: the next try waits a second or two.
			icecast.last.drop('E_ICECAST_SLOW');
			await pass(t, 500);
			assert.equal(icecast.attempts, 1, 'no try yet');
		},
	],
	['live', 'live', onAir],
	[
		'released',
		'standby',
		async (fake) => {
			await onAir(fake);
			fake.output.release();
		},
	],
	['failed', 'failed', startedAgainst('E_ICECAST_AUTH')],
];

for (const [situation, state, reach] of states) {
	it(`stopped while ${situation}: no connection, no timer, nothing more`, async (t) => {
		const fake = fakeOutput(t, { shared: true });
		const { output, icecast, tap, events, pending } = fake;
		await reach(fake, t);
		await settle();
		assert.equal(output.state, state);
		await output.stop();
		assert.equal(output.state, 'stopped');
		assert.equal(icecast.live.length, 0, 'no connection left open');
		assert.equal(pending.size, 0, 'no timer left');
		assert.equal(tap.subscribed, 0);
		const attempts = icecast.attempts;
		const said = events.length;
		await pass(t, 600_000);
		assert.equal(icecast.attempts, attempts);
		assert.equal(events.length, said);
	});
}

it('stopped after it adopted a connection, before its first unit: the connection closed, the adoption refused', async (t) => {
	const { output, icecast, tap } = fakeOutput(t, { shared: true });
	output.hold();
	output.start();
	const handed = new FakeConnection();
	const firstWrite = output.adopt(handed.asSource);
	assert.equal(tap.subscribed, 1);
	await output.stop();
	await assert.rejects(firstWrite, { message: '/live.mp3 stopped before it took over the connection' });
	assert.equal(handed.ended, true);
	assert.equal(icecast.attempts, 0);
});
