import type { TestContext } from 'node:test';
import { EventEmitter } from 'eventemitter3';
import { AbortError } from 'p-retry';
import type { Tap } from '../src/fanout/tap.js';
import { IcecastError, type IcecastErrorCode } from '../src/icecast/errors.js';
import type { SourceConnection, SourceConnectionEvents } from '../src/icecast/source-connection.js';
import { IcecastOutput } from '../src/outputs/icecast-output.js';
import type { Clock } from '../src/util/clock.js';
import type { EncoderPlan } from '../src/plan/plan.js';
import { Secret } from '../src/profile/secret.js';
import { stationServer } from './fixtures.js';

/** A source connection with no socket: what was written to it, and whether it ended (closed by us, or dropped). */
export class FakeConnection extends EventEmitter<SourceConnectionEvents> {
	ended = false;
	readonly written: Buffer[] = [];

	write(unit: Buffer): boolean {
		if (this.ended) return false;
		this.written.push(unit);
		return true;
	}

	close(): void {
		if (this.ended) return;
		this.ended = true;
		this.emit('close', undefined);
	}

	/** The server (or the network) ends it, as a real connection says it. */
	drop(code: IcecastErrorCode = 'E_ICECAST_CLOSED'): void {
		this.ended = true;
		this.emit('close', new IcecastError(code, `the server dropped the connection (${code})`));
	}

	checkProgress(): void {}

	/** The type the output takes: only the members above are ever used. */
	get asSource(): SourceConnection {
		return this as unknown as SourceConnection;
	}
}

/**
 * An Icecast server as one output's attempts meet it: each attempt answered as `answer` says (a new
 * connection, an error, or no answer until the attempt is abandoned), as `openSource` would.
 */
export class FakeServer {
	answer: 'accept' | 'hang' | IcecastErrorCode = 'accept';
	attempts = 0;
	readonly connections: FakeConnection[] = [];

	/** Connections made and not ended: what the server still counts as sources. */
	get live(): FakeConnection[] {
		return this.connections.filter((c) => !c.ended);
	}

	get last(): FakeConnection {
		const last = this.connections.at(-1);
		if (!last) throw new Error('no connection was made');
		return last;
	}

	readonly open = async (signal: AbortSignal): Promise<SourceConnection> => {
		this.attempts++;
		const answer = this.answer;
		await Promise.resolve();
		if (answer === 'hang')
			return new Promise((_, reject) =>
				signal.addEventListener('abort', () => reject(new IcecastError('E_ICECAST_CLOSED', 'abandoned')), {
					once: true,
				}),
			);
		if (answer !== 'accept') {
			const error = new IcecastError(answer, `the server said no (${answer})`);
			// As openSource does: a fault no retry can mend ends the retries.
			throw error.transient ? error : new AbortError(error);
		}
		const connection = new FakeConnection();
		this.connections.push(connection);
		return connection.asSource;
	};
}

/** A tap the test feeds by hand: each `push` is one unit to every subscriber. */
export class FakeTap {
	bytesIn = 0;
	private readonly subscribers = new Set<(unit: Buffer) => void>();

	subscribe(subscriber: (unit: Buffer) => void): () => void {
		this.subscribers.add(subscriber);
		return () => this.subscribers.delete(subscriber);
	}

	push(text = 'unit'): void {
		const unit = Buffer.from(text);
		this.bytesIn += unit.length;
		for (const subscriber of this.subscribers) subscriber(unit);
	}

	get subscribed(): number {
		return this.subscribers.size;
	}
}

/**
 * node:test's mock time from 0 as the output's clock, with the timers it set and has not yet run or
 * cleared: a test sees that nothing is left waiting.
 */
export function mockClock(t: TestContext): { clock: Clock; pending: Set<NodeJS.Timeout> } {
	t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
	const pending = new Set<NodeJS.Timeout>();
	const clock: Clock = {
		monotonic: () => Date.now(),
		wall: () => Date.now(),
		setTimeout: (run, ms) => {
			const timer = setTimeout(() => {
				pending.delete(timer);
				run();
			}, ms);
			pending.add(timer);
			return timer;
		},
		clearTimeout: (timer) => {
			if (timer) pending.delete(timer);
			clearTimeout(timer);
		},
		// An output sets no interval; had it one, it would be pending for good, and a test would say so.
		setInterval: (run, ms) => {
			const timer = setInterval(run, ms);
			pending.add(timer);
			return timer;
		},
		clearInterval: (timer) => {
			if (timer) pending.delete(timer);
			clearInterval(timer);
		},
	};
	return { clock, pending };
}

/** Lets every promise settle (setImmediate is not mocked): what an attempt's answer sets off has happened. */
export async function settle(): Promise<void> {
	for (let i = 0; i < 5; i++) await new Promise(setImmediate);
}

/** Moves mock time on by `ms` and lets what it set off settle. */
export async function pass(t: TestContext, ms: number): Promise<void> {
	t.mock.timers.tick(ms);
	await settle();
}

const server = stationServer();
const encoder = { fd: 3, container: 'mp3', format: 'mp3', bitrate: 128 } as EncoderPlan;

/** Mock time as `mockClock` gives it: shared by the outputs of one test. */
export type MockTime = ReturnType<typeof mockClock>;

/**
 * An output of /live.mp3 on a fake server and tap, on mock time (its own, or `time` when outputs share
 * it); its events as sentences ("state live", "retry 1 100 E_ICECAST_REFUSED").
 */
export function fakeOutput(
	t: TestContext,
	o: { shared?: boolean; server?: FakeServer; tap?: FakeTap; time?: MockTime } = {},
) {
	const { clock, pending } = o.time ?? mockClock(t);
	const icecast = o.server ?? new FakeServer();
	const tap = o.tap ?? new FakeTap();
	const output = new IcecastOutput({
		server,
		mount: '/live.mp3',
		info: {},
		encoder,
		tap: tap as unknown as Tap,
		password: new Secret('hackme'),
		shared: o.shared ?? false,
		clock,
		open: icecast.open,
	});
	const events: string[] = [];
	output.on('state', (state, error) => events.push(error ? `state ${state} ${error.code}` : `state ${state}`));
	output.on('retry', ({ attempt, delayMs, error }) => events.push(`retry ${attempt} ${delayMs} ${error.code}`));
	output.on('blocked', () => events.push('blocked'));
	return { output, icecast, tap, events, pending, clock };
}
