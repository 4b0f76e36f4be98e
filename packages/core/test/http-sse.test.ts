import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { it, type TestContext } from 'node:test';
import { EventStreams, streamEvents } from '../src/http/events.js';
import type { Engine } from '../src/orchestrator/engine.js';
import { exampleProfile, exampleSnapshot } from '../src/status/examples.js';
import type { JdcastEventMessage } from '../src/status/messages.js';

/** An engine whose events the test emits, and responses whose unsent bytes the test sets. */
function fakes(t: TestContext) {
	t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
	const listeners = new Set<(message: JdcastEventMessage) => void>();
	const orchestrator: Pick<Engine, 'onEveryEvent' | 'status'> = {
		onEveryEvent: (listener: (message: JdcastEventMessage) => void) => {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		status: () => exampleSnapshot([exampleProfile()]),
	};
	const client = () => {
		const request = new EventEmitter() as http.IncomingMessage;
		const response = {
			writableLength: 0,
			destroyed: false,
			writes: 0,
			writeHead: () => response,
			write: () => ++response.writes,
			destroy: () => (response.destroyed = true),
		};
		return { request, response, as: response as unknown as http.ServerResponse };
	};
	const level = (): JdcastEventMessage => ({ event: 'log', time: 'now', profile: 'p', level: 'info', message: 'x' });
	/** Ten events a second for `ms`, as the level meters come. */
	const run = (ms: number) => {
		for (let at = 0; at < ms; at += 100) {
			for (const listener of [...listeners]) listener(level());
			t.mock.timers.tick(100);
		}
	};
	return { orchestrator, client, run, listeners };
}

it('SSE: a client more than 64 KiB behind is dropped at once', (t) => {
	const { orchestrator, client, run } = fakes(t);
	const { request, response, as } = client();
	let closed = 0;
	streamEvents(orchestrator, request, as, () => closed++);
	response.writableLength = 64 * 1024;
	run(100);
	assert.equal(response.destroyed, false, '64 KiB exactly is still kept');
	response.writableLength = 64 * 1024 + 1;
	const writes = response.writes;
	run(100);
	assert.equal(response.destroyed, true);
	assert.equal(response.writes, writes, 'nothing more written to it');
	assert.equal(closed, 1);
});

it('SSE: a client that stays behind for 5 s is dropped; one that catches up now and then is not', (t) => {
	const { orchestrator, client, run } = fakes(t);
	const stuck = client();
	const slow = client();
	streamEvents(orchestrator, stuck.request, stuck.as);
	streamEvents(orchestrator, slow.request, slow.as);
	stuck.response.writableLength = 500;
	for (let second = 0; second < 5; second++) {
		// The slow one takes all that was written once every second; the stuck one never does.
		slow.response.writableLength = 500;
		run(900);
		slow.response.writableLength = 0;
		run(100);
	}
	assert.equal(stuck.response.destroyed, false, 'behind for 5 s: not yet');
	run(200);
	assert.equal(stuck.response.destroyed, true, 'behind for more than 5 s');
	run(10_000);
	assert.equal(slow.response.destroyed, false);
});

it('SSE: with no events, the heartbeat looks too', (t) => {
	const { orchestrator, client } = fakes(t);
	const { request, response, as } = client();
	streamEvents(orchestrator, request, as);
	response.writableLength = 100;
	t.mock.timers.tick(15_000);
	assert.equal(response.destroyed, false, 'first seen behind at the first heartbeat');
	t.mock.timers.tick(15_000);
	assert.equal(response.destroyed, true);
});

it('SSE: 64 streams at most, 16 from one client; a closed one makes room', (t) => {
	const { orchestrator, client, listeners } = fakes(t);
	const streams = new EventStreams(orchestrator);
	const open = (address: string) => {
		const c = client();
		streams.open(c.request, c.as, address);
		return c;
	};
	const first = open('127.0.0.1');
	for (let i = 1; i < 16; i++) open('127.0.0.1');
	assert.throws(() => open('127.0.0.1'), { code: 'E_BUSY', message: /16 event streams open from this address/ });
	const other = open('192.0.2.7');
	first.request.emit('close');
	open('127.0.0.1');
	for (let i = 0; i < 16 * 3 - 1; i++) open(`198.51.100.${i % 3}`);
	assert.equal(listeners.size, 64);
	assert.throws(() => open('203.0.113.1'), { code: 'E_BUSY', message: /64 event streams open/ });
	streams.closeAll();
	assert.equal(listeners.size, 0);
	assert.equal(other.response.destroyed, true);
});
