import { AbortError } from 'p-retry';
import type { Tap } from '../../fanout/tap.js';
import { IcecastError } from '../../icecast/errors.js';
import type { SourceConnection } from '../../icecast/source-connection.js';
import type { Clock } from '../../util/clock.js';
import { connectWithRetry, type RetryInfo } from './connect.js';
import { afterDrop, NO_DROPS } from './drop-policy.js';

/**
 * Why a shared output stands by: its mount handed to another profile, held back before its slot,
 * yielded for dead air, or its harbor has no DJ on air.
 */
export type ParkReason = 'handover' | 'hold' | 'yield' | 'harbor';

/**
 * Where the loop is with its mount. One field, changed only by `enter`: each kind holds what belongs to it
 * alone (the attempt under way, the timer, the connection), so that nothing outlives the situation it
 * belonged to and no two fields can disagree.
 */
type Situation =
	/** Made and not started: it seeks nothing until `start`. */
	| { kind: 'idle' }
	/** Connecting: trying, waiting between tries, or waiting for a shared mount another source holds. */
	| { kind: 'seeking'; cycle: AbortController; settled: Promise<void> }
	/** Waiting before it seeks again, after a failing server (too slow, closing at once) dropped it. */
	| { kind: 'backing-off'; timer: NodeJS.Timeout }
	/** On a connection, fed from the tap; `off` ends the feeding (and refuses an adoption not yet on air). */
	| { kind: 'on-air'; connection: SourceConnection; since: number; off: (why: IcecastError) => void }
	/** Stands by: no connection, none sought until `resume` or `adopt`; `started` once `start` was called. */
	| { kind: 'parked'; why: ParkReason; started: boolean }
	/** Failed for good while connecting (a wrong password, none at all): the loop has ended. */
	| { kind: 'failed' }
	/** Stopped: the loop has ended, with no connection and no timer left. */
	| { kind: 'stopped' };

type OnAir = Extract<Situation, { kind: 'on-air' }>;

/** A live connection handed over by another output of this mount: told of its first unit written, or refused. */
export interface Adoption {
	connection: SourceConnection;
	firstWrite: (at: number) => void;
	refuse: (error: Error) => void;
}

/**
 * What the loop tells its output. The output keeps what people see (its state, the last cause, the
 * counters); the loop keeps the connection.
 */
export interface LoopHost {
	/** An attempt to connect begins. */
	attempted(): void;
	/** A shared mount is held by another source (that attempt was a turn waited, not a retry); `first` once per wait. */
	waiting(first: boolean): void;
	retrying(info: RetryInfo): void;
	/** Failed for good while connecting (a wrong password, none at all). */
	failed(cause: IcecastError): void;
	/** On a connection now, made or adopted. */
	connected(): void;
	/** A unit went out on the connection; returns when. */
	wrote(unit: Buffer): number;
	/** Off the connection: it closed, or it was left for another output. */
	left(): void;
	/** The server closed the connection; `wait` when it is failing and the next try waits. */
	dropped(cause: IcecastError, wait: RetryInfo | undefined): void;
	/** It stands by (parked), seeking nothing. */
	standingBy(): void;
}

export interface LoopOptions {
	mount: string;
	tap: Tap;
	/** Taken in turns with other sources: a mount in use is a turn to wait for, not a fault. */
	shared: boolean;
	/** What its waits run on (a test's mock timers). */
	clock: Clock;
	/** One attempt to become the mount's source (`openSource`, or a test's fake). */
	open: (signal: AbortSignal) => Promise<SourceConnection>;
}

/**
 * The connection loop of one output: connect (retrying), stay on the connection until it closes,
 * reconnect. It stands by while parked, and takes a connection another output hands it over.
 */
export class SourceLoop {
	private situation: Situation = { kind: 'idle' };
	/** The drops that count against the server so far: its record, kept across connections and stand-bys. */
	private drops = NO_DROPS;

	constructor(
		private readonly o: LoopOptions,
		private readonly host: LoopHost,
	) {}

	/** Whether `start` was called (a loop held before it stands by without having started). */
	get started(): boolean {
		const s = this.situation;
		return s.kind === 'parked' ? s.started : s.kind !== 'idle';
	}

	get parkedFor(): ParkReason | undefined {
		return this.situation.kind === 'parked' ? this.situation.why : undefined;
	}

	/** Seeks its mount; one parked before stays parked, now started, until resumed or handed a connection. */
	start(): void {
		const s = this.situation;
		if (s.kind === 'idle') this.seek();
		else if (s.kind === 'parked' && !s.started) this.enter({ ...s, started: true });
	}

	/** Ends the loop: its connection closed, its timer cleared, an attempt under way abandoned and awaited. */
	async stop(): Promise<void> {
		const was = this.situation;
		this.enter({ kind: 'stopped' });
		if (was.kind === 'seeking') await was.settled;
	}

	/**
	 * Stands by for `why`: seeks nothing until `resume` or `adopt`. Returns the connection it was on, left
	 * open: the caller closes it or hands it on. A loop that has ended stays as it is.
	 */
	park(why: ParkReason): SourceConnection | undefined {
		const s = this.situation;
		if (s.kind === 'failed' || s.kind === 'stopped') return undefined;
		const started = s.kind === 'parked' ? s.started : s.kind !== 'idle';
		this.enter({ kind: 'parked', why, started });
		return s.kind === 'on-air' ? s.connection : undefined;
	}

	/** Seeks again after a stand-by; one parked before `start` is only made ready for it. */
	resume(): void {
		const s = this.situation;
		if (s.kind !== 'parked') return;
		if (s.started) this.seek();
		else this.enter({ kind: 'idle' });
	}

	/**
	 * Goes on air on a connection handed over, at once. False when it cannot take one now: not started, ended,
	 * or on a connection of its own. One that had already ended is refused, and the loop seeks its mount.
	 */
	adopt(adoption: Adoption): boolean {
		const s = this.situation;
		if (!(s.kind === 'seeking' || s.kind === 'backing-off' || (s.kind === 'parked' && s.started))) return false;
		if (adoption.connection.ended) {
			adoption.refuse(new IcecastError('E_ICECAST_CLOSED', 'the connection handed over had already ended'));
			if (s.kind !== 'seeking') this.seek();
			return true;
		}
		this.onAir(adoption.connection, adoption);
		return true;
	}

	checkProgress(now: number): void {
		if (this.situation.kind === 'on-air') this.situation.connection.checkProgress(now);
	}

	/**
	 * The one place the situation changes: what the last one had is ended (its attempt, its timer, its
	 * feeding), then the next is taken. Stopped is final, and failed gives way to stopped only.
	 */
	private enter(next: Situation): void {
		const was = this.situation;
		if (was.kind === 'stopped' || (was.kind === 'failed' && next.kind !== 'stopped')) return;
		this.situation = next;
		if (was.kind === 'seeking') was.cycle.abort();
		if (was.kind === 'backing-off') this.o.clock.clearTimeout(was.timer);
		if (was.kind === 'on-air') this.leaveAir(was, next);
		if (next.kind === 'parked') this.host.standingBy();
	}

	/** Off a connection: nothing more goes out on it; it is closed when the loop ends, else left to whoever has it. */
	private leaveAir(was: OnAir, next: Situation): void {
		const ending = next.kind === 'stopped' || next.kind === 'failed';
		was.off(
			new IcecastError(
				'E_ICECAST_CLOSED',
				ending
					? `${this.o.mount} stopped before it took over the connection`
					: `${this.o.mount} left the connection handed over before its first unit went out`,
			),
		);
		if (ending) was.connection.close();
		this.host.left();
	}

	/** Attempts with backoff until a connection is made, the cycle is ended (by any change), or it fails for good. */
	private seek(): void {
		const cycle = new AbortController();
		let settle = () => {};
		const seeking: Situation = { kind: 'seeking', cycle, settled: new Promise((resolve) => (settle = resolve)) };
		this.enter(seeking);
		void connectWithRetry({
			signal: cycle.signal,
			shared: this.o.shared,
			clock: this.o.clock,
			attempt: () => this.attempt(cycle.signal),
			waiting: (first) => this.host.waiting(first),
			retrying: (info) => this.host.retrying(info),
			failed: (cause) => {
				this.enter({ kind: 'failed' });
				this.host.failed(cause);
			},
		})
			.then((connection) => {
				// Made just as the cycle was ended (parked, adopted, stopped): not wanted any more.
				if (connection && this.situation !== seeking) connection.close();
				else if (connection) this.onAir(connection);
			})
			.finally(settle);
	}

	private async attempt(signal: AbortSignal): Promise<SourceConnection> {
		if (signal.aborted) throw new AbortError('stopped');
		this.host.attempted();
		return this.o.open(signal);
	}

	/** Feeds the connection from the tap until it closes on its own (`dropped`) or the loop leaves it (`enter`). */
	private onAir(connection: SourceConnection, adoption?: Adoption): void {
		let taking = adoption;
		const closed = (error: IcecastError | undefined) => this.dropped(onAir, error);
		const unsubscribe = this.o.tap.subscribe((unit) => {
			if (!connection.write(unit)) return;
			const at = this.host.wrote(unit);
			taking?.firstWrite(at);
			taking = undefined;
		});
		connection.once('close', closed);
		const onAir: OnAir = {
			kind: 'on-air',
			connection,
			since: this.o.clock.monotonic(),
			off: (why) => {
				unsubscribe();
				connection.off('close', closed);
				taking?.refuse(why);
				taking = undefined;
			},
		};
		this.enter(onAir);
		this.host.connected();
	}

	/** The connection closed on its own (the server, the network, too slow): seek again, after a wait if the server is failing. */
	private dropped(onAir: OnAir, error: IcecastError | undefined): void {
		if (this.situation !== onAir) return;
		const cause = error ?? new IcecastError('E_ICECAST_CLOSED', 'connection closed');
		const next = afterDrop(this.drops, cause.code, this.o.clock.monotonic() - onAir.since);
		this.drops = next.drops;
		const wait = next.wait && { ...next.wait, error: cause };
		if (wait) this.enter({ kind: 'backing-off', timer: this.o.clock.setTimeout(() => this.seek(), wait.delayMs) });
		else this.seek();
		this.host.dropped(cause, wait);
	}
}
