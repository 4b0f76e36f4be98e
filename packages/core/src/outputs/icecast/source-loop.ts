import { setTimeout as sleep } from 'node:timers/promises';
import { AbortError } from 'p-retry';
import type { Tap } from '../../fanout/tap.js';
import { IcecastError } from '../../icecast/errors.js';
import type { SourceConnection } from '../../icecast/source-connection.js';
import type { OutputState } from '../../status/types.js';
import { connectWithRetry, type RetryInfo } from './connect.js';
import { afterDrop, NO_DROPS } from './drop-policy.js';
import { openSource, type SourceTarget } from './open-source.js';

/** Why a shared output stands by: its mount handed to another profile, held back before its slot, or yielded for dead air. */
export type ParkReason = 'handover' | 'hold' | 'yield';

/**
 * What the loop is doing with its mount. One field, so that a connection, the way to leave it and its
 * feed cannot disagree; `enter` is the only place it changes.
 */
type Link =
	/** Not started, or just off a connection and not yet seeking the next. */
	| { kind: 'idle' }
	/** Seeking a connection, or waiting before the next try after a failing server's drop; `cycle` ends it early. */
	| { kind: 'seeking'; cycle: AbortController }
	/** On a connection, fed from the tap; `leave` ends the stay without closing the connection. */
	| { kind: 'on-air'; connection: SourceConnection; leave: () => void; unsubscribe: () => void };

/** A live connection handed over by another output of this mount, taken at the loop's next turn. */
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
	/** The output's state: a failed output's loop ends. */
	readonly state: OutputState;
	/** A shared mount is held by another source; `first` once per wait. */
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
}

/**
 * The connection loop of one output: connect (retrying), stay on the connection until it closes,
 * reconnect. It stands by while parked, and takes a connection another output hands it over.
 */
export class SourceLoop {
	private link: Link = { kind: 'idle' };
	private readonly abort = new AbortController();
	private running: Promise<void> | undefined;
	private attempts = 0;
	/** Handed over, or released while silent: no connection, none sought, until adopted or resumed. */
	private parked: { wake: () => void; woken: Promise<void>; why: ParkReason } | undefined;
	private adopted: Adoption | undefined;
	private stoodBy = false;

	constructor(
		private readonly target: SourceTarget,
		private readonly tap: Tap,
		private readonly shared: boolean,
		private readonly host: LoopHost,
	) {}

	/** Connection attempts after the first: every retry and every reconnect after a drop. */
	get reconnects(): number {
		return Math.max(0, this.attempts - 1);
	}

	get started(): boolean {
		return this.running !== undefined;
	}

	/** Whether it can take a connection handed over: running, and not taking one already. */
	get canAdopt(): boolean {
		return this.running !== undefined && !this.abort.signal.aborted && !this.adopted;
	}

	/** Whether it ever stood by (see `IcecastOutput.cameLater`). */
	get everParked(): boolean {
		return this.stoodBy;
	}

	get parkedFor(): ParkReason | undefined {
		return this.parked?.why;
	}

	start(): void {
		this.running ??= this.run();
	}

	/** Ends the loop: a connection handed over but not taken is closed too (nobody would feed it). */
	async stop(): Promise<void> {
		this.abort.abort();
		if (this.adopted) {
			this.adopted.connection.close();
			this.adopted.refuse(
				new IcecastError('E_ICECAST_CLOSED', `${this.target.mount} stopped before it took over the connection`),
			);
			this.adopted = undefined;
		}
		this.parked?.wake();
		if (this.link.kind === 'on-air') {
			this.link.unsubscribe();
			this.link.connection.close();
		}
		await this.running?.catch(() => {});
	}

	/** Stands by: seeks no connection until `unpark` or an adoption (a connection it is on stays). */
	park(why: ParkReason): void {
		this.stoodBy = true;
		if (!this.parked) {
			let wake = () => {};
			const woken = new Promise<void>((resolve) => (wake = resolve));
			this.parked = { wake, woken, why };
		}
		this.parked.why = why;
		this.endWait();
	}

	unpark(): void {
		const parked = this.parked;
		this.parked = undefined;
		parked?.wake();
	}

	/** Takes a connection handed over at the next turn, ending any wait or stand-by. */
	offer(adoption: Adoption): void {
		this.adopted = adoption;
		this.endWait();
		this.unpark();
	}

	/** Ends the stay on the connection without closing it, and returns it; undefined when not on one. */
	leave(): SourceConnection | undefined {
		if (this.link.kind !== 'on-air') return undefined;
		const { connection, leave } = this.link;
		leave();
		return connection;
	}

	/** Closes the connection it is on, if any: the loop then goes on as after any close. */
	close(): void {
		if (this.link.kind === 'on-air') this.link.connection.close();
	}

	checkProgress(now: number): void {
		if (this.link.kind === 'on-air') this.link.connection.checkProgress(now);
	}

	private enter(next: Link): void {
		// Off a connection, nothing more is written to it.
		if (this.link.kind === 'on-air') this.link.unsubscribe();
		this.link = next;
	}

	/** Ends the current wait for a connection (a finished wait has nothing left to end). */
	private endWait(): void {
		if (this.link.kind === 'seeking') this.link.cycle.abort();
	}

	private async run(): Promise<void> {
		const signal = this.abort.signal;
		let drops = NO_DROPS;
		while (!signal.aborted) {
			if (this.parked) {
				await this.parked.woken;
				continue;
			}
			const adopted = this.adopted;
			this.adopted = undefined;
			if (adopted?.connection.ended) {
				adopted.refuse(new IcecastError('E_ICECAST_CLOSED', 'the connection handed over had already ended'));
				continue;
			}
			const connection = adopted?.connection ?? (await this.connect());
			if (!connection) {
				if (this.host.state === 'failed') return;
				continue;
			}
			const connectedAt = Date.now();
			const closed = await this.stay(connection, adopted?.firstWrite);
			if (signal.aborted || this.parked) continue;
			const cause = closed ?? new IcecastError('E_ICECAST_CLOSED', 'connection closed');
			const next = afterDrop(drops, cause.code, Date.now() - connectedAt);
			drops = next.drops;
			const wait = next.wait && { ...next.wait, error: cause };
			this.host.dropped(cause, wait);
			if (wait) {
				// Ended early by an adopted connection or a park, as the wait for a connection is.
				const cycle = new AbortController();
				this.enter({ kind: 'seeking', cycle });
				await sleep(wait.delayMs, undefined, { signal: AbortSignal.any([signal, cycle.signal]) }).catch(() => {});
			}
		}
	}

	/** Connects, retrying; a shared mount that another source holds is waited for, not counted as a reconnect. */
	private connect(): Promise<SourceConnection | undefined> {
		const cycle = new AbortController();
		this.enter({ kind: 'seeking', cycle });
		const signal = AbortSignal.any([this.abort.signal, cycle.signal]);
		return connectWithRetry({
			signal,
			shared: this.shared,
			attempt: () => this.attempt(signal),
			waiting: (first) => {
				this.attempts--;
				this.host.waiting(first);
			},
			retrying: (info) => this.host.retrying(info),
			failed: (cause) => this.host.failed(cause),
		});
	}

	private async attempt(signal: AbortSignal): Promise<SourceConnection> {
		if (signal.aborted) throw new AbortError('stopped');
		this.attempts++;
		return openSource(this.target, signal);
	}

	/** Feeds the connection from the tap until it closes or is left; resolves with the reason it closed. */
	private stay(connection: SourceConnection, firstWrite?: (at: number) => void): Promise<IcecastError | undefined> {
		this.host.connected();
		return new Promise((resolve) => {
			const end = (error: IcecastError | undefined) => {
				connection.off('close', end);
				this.enter({ kind: 'idle' });
				this.host.left();
				resolve(error);
			};
			connection.once('close', end);
			const unsubscribe = this.tap.subscribe((unit) => {
				if (!connection.write(unit)) return;
				const at = this.host.wrote(unit);
				if (firstWrite) {
					firstWrite(at);
					firstWrite = undefined;
				}
			});
			this.enter({ kind: 'on-air', connection, leave: () => end(undefined), unsubscribe });
		});
	}
}
