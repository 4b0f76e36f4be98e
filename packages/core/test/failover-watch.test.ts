import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { EventEmitter } from 'eventemitter3';
import { FailoverWatch, OutputFailover } from '../src/outputs/icecast/failover.js';
import type { IcecastOutputEvents } from '../src/outputs/icecast/report.js';
import { Secret } from '../src/profile/secret.js';
import type { ServerConfig } from '../src/profile/types.js';
import { mockTime } from './mock-clock.js';

const server = { name: 'station', host: '127.0.0.1', port: 8000, tls: false } as ServerConfig;

/** A watch whose listening connections, removals and holder address are the test's. */
function watch(time: ReturnType<typeof mockTime>, kill: () => Promise<'removed' | 'gone'> = async () => 'removed') {
	const streams: PassThrough[] = [];
	let listens = 0;
	const kills: number[] = [];
	const w = new FailoverWatch({
		server,
		mount: '/live.opus',
		afterMs: 3000,
		credentials: { user: 'source', password: new Secret('pw') },
		clock: time.clock,
		listen: async () => {
			listens++;
			const stream = new PassThrough();
			streams.push(stream);
			return stream;
		},
		kill: async () => {
			kills.push(Date.now());
			return kill();
		},
		holder: async () => '10.0.0.5',
	});
	const events: string[] = [];
	w.on('removed', (t) => events.push(`removed ${t.from} ${t.silentSeconds}`));
	w.on('problem', (m) => events.push(`problem ${m}`));
	return { w, streams, kills, events, listens: () => listens };
}

it('failover watch: a holder that keeps sending is never removed; one silent for `after` is removed once, within the stagger', async (t) => {
	const time = mockTime(t);
	const { w, streams, kills, events } = watch(time);
	w.start();
	await time.advance(10);
	for (let ms = 0; ms < 10_000; ms += 100) {
		streams.at(-1)!.write(Buffer.alloc(100));
		await time.advance(100);
	}
	assert.deepEqual(kills, [], 'ten seconds of pages: nothing to do');
	const silentFrom = Date.now();
	await time.advance(3000 + 250 + 300 + 50);
	assert.equal(kills.length, 1);
	assert.ok(
		kills[0]! - silentFrom >= 3000 && kills[0]! - silentFrom <= 3600,
		`removed ${kills[0]! - silentFrom} ms after the last byte`,
	);
	assert.match(events[0]!, /^removed 10\.0\.0\.5 3(\.\d)?$/);
	// The removal ended that connection: no second removal on it, a new one must show silence again.
	await time.advance(2000);
	assert.equal(kills.length, 1);
	w.stop();
});

it('failover watch: no connection, no judgement (a mount nobody feeds); a refused killsource is said once and the watch stops', async (t) => {
	const time = mockTime(t);
	const closed = new FailoverWatch({
		server,
		mount: '/live.opus',
		afterMs: 3000,
		credentials: { user: 'source', password: new Secret('pw') },
		clock: time.clock,
		listen: async () => {
			throw new Error('404');
		},
		kill: async () => assert.fail('nothing to remove'),
		holder: async () => null,
	});
	closed.start();
	await time.advance(10_000);
	closed.stop();

	const { w, events } = watch(time, async () => {
		throw new Error('the server refused user "source" for killsource (401)');
	});
	w.start();
	await time.advance(4000);
	assert.deepEqual(events, ['problem the server refused user "source" for killsource (401)']);
	assert.equal(w.watching, false, 'no loop of refusals');
});

it('output failover: a removal then the output on air is one takeover, counted and told; on air without a removal is none', async (t) => {
	const time = mockTime(t, Date.parse('2026-12-06T22:04:00Z'));
	const output = new EventEmitter<IcecastOutputEvents>();
	const { w } = watch(time);
	const failover = new OutputFailover(output, w, { mount: '/live.opus', afterSeconds: 3, clock: time.clock });
	const told: string[] = [];
	output.on('failover', (n) => told.push(n.message));
	output.emit('state', 'live', undefined);
	assert.deepEqual(told, []);
	output.emit('state', 'waiting', undefined);
	assert.equal(w.watching, true, 'it watches while it waits');
	w.emit('removed', { from: '10.0.0.5', silentSeconds: 3.1 });
	output.emit('state', 'connecting', undefined);
	assert.equal(w.watching, false);
	output.emit('state', 'live', undefined);
	assert.deepEqual(told, ['took /live.opus from 10.0.0.5 after 3.1 s without audio (listeners missed 3.1 s)']);
	assert.deepEqual(failover.status(), {
		after: 3,
		count: 1,
		last: { at: '2026-12-06T22:04:00.000Z', from: '10.0.0.5', silentSeconds: 3.1, gapSeconds: 3.1 },
	});
	output.emit('state', 'waiting', undefined);
	output.emit('state', 'live', undefined);
	assert.equal(failover.status().count, 1, 'back on air by a handover: no takeover');
	failover.stop();
});
