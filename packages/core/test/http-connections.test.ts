import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { it, type TestContext } from 'node:test';
import { ConnectionGuard, type GuardedSocket } from '../src/http/connections.js';

/** A socket as the guard sees it: an address, and whether it was closed. */
class FakeSocket extends EventEmitter implements GuardedSocket {
	destroyed = false;
	constructor(
		readonly remoteAddress: string,
		readonly name: string,
	) {
		super();
	}
	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		// As a real socket does: 'close' comes later, not within destroy().
		queueMicrotask(() => this.emit('close'));
	}
}

function guard(t: TestContext, perAddress: number | undefined, total: number) {
	t.mock.timers.enable({ apis: ['Date'], now: 0 });
	const connections = new ConnectionGuard({ total, perAddress });
	/** A connection taken in alone: the event loop turns before the next comes. */
	const connect = async (address: string, name: string) => {
		const socket = burst(address, name);
		await new Promise((resolve) => setImmediate(resolve));
		return socket;
	};
	/** A connection in the same round of accepts as the one before. */
	const burst = (address: string, name: string) => {
		const socket = new FakeSocket(address, name);
		connections.admit(socket);
		t.mock.timers.tick(10);
		return socket;
	};
	const open = (...sockets: FakeSocket[]) =>
		sockets
			.filter((s) => !s.destroyed)
			.map((s) => s.name)
			.join(' ');
	return { connections, connect, burst, open };
}

it('connections: over its limit an address makes room by closing its own longest-waiting socket, never the one being answered', async (t) => {
	const { connections, connect, open } = guard(t, 3, 100);
	const a = await connect('127.0.0.1', 'a');
	const b = await connect('127.0.0.1', 'b');
	const c = await connect('127.0.0.1', 'c');
	const other = await connect('192.0.2.1', 'other');
	// `a` is being answered (an event stream, say): it is never closed to make room.
	const response = new EventEmitter();
	connections.answering(a, response);
	const d = await connect('127.0.0.1', 'd');
	assert.equal(open(a, b, c, d, other), 'a c d other', 'b waited longest and answers nothing');
	const e = await connect('127.0.0.1', 'e');
	assert.equal(open(a, b, c, d, e, other), 'a d e other');
	// Once `a` has its answer sent, it waits like the others: and it has waited least.
	t.mock.timers.tick(5);
	response.emit('close');
	await connect('127.0.0.1', 'f');
	assert.equal(open(a, d, e), 'a e');
	assert.equal(connections.size, 4);
});

it('connections: when every socket of the address is being answered, the new one is closed', async (t) => {
	const { connections, connect, open } = guard(t, 2, 100);
	const a = await connect('127.0.0.1', 'a');
	const b = await connect('127.0.0.1', 'b');
	connections.answering(a, new EventEmitter());
	connections.answering(b, new EventEmitter());
	const c = await connect('127.0.0.1', 'c');
	assert.equal(open(a, b, c), 'a b');
	// An IPv6 address counts by its /64: the host next door is the same client.
	const v6 = await connect('2001:db8::1', 'v6-1');
	await connect('2001:db8::2', 'v6-2');
	await connect('2001:db8::3', 'v6-3');
	assert.equal(v6.destroyed, true);
});

it('connections: all addresses together have a limit too, with the same rule; without a limit per address, only that one', async (t) => {
	const { connect, open } = guard(t, undefined, 3);
	const sockets: FakeSocket[] = [];
	for (const [i, name] of ['a', 'b', 'c'].entries()) sockets.push(await connect(`192.0.2.${i}`, name));
	const d = await connect('198.51.100.1', 'd');
	assert.equal(open(...sockets, d), 'b c d');
	// The closed socket's own 'close', which came later, took no one else's place away.
	const e = await connect('198.51.100.1', 'e');
	assert.equal(open(...sockets, d, e), 'c d e');
});

it('connections: a burst queued behind a new connection closes old ones, never those of its own round', async (t) => {
	const { connect, burst, open } = guard(t, 3, 100);
	const old = [await connect('127.0.0.1', 'old1'), await connect('127.0.0.1', 'old2')];
	// A monitor connects; 300 of an attacker's are queued right behind it, and taken in at once.
	const monitor = burst('127.0.0.1', 'monitor');
	const flood = Array.from({ length: 300 }, (_, i) => burst('127.0.0.1', `flood${i}`));
	assert.equal(open(...old, monitor, ...flood), 'monitor flood0 flood1');
	// The next round may close them: the monitor's request has been read by then, or it is stale.
	await new Promise((resolve) => setImmediate(resolve));
	const next = await connect('127.0.0.1', 'next');
	assert.equal(open(monitor, ...flood, next), 'flood0 flood1 next');
});
