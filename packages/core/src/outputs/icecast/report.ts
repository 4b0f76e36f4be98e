import type { EventEmitter } from 'eventemitter3';
import type { IcecastError } from '../../icecast/errors.js';
import type { FailoverEvent, OutputState } from '../../status/types.js';
import { RateMeter } from '../rate.js';
import type { Clock } from '../../util/clock.js';
import type { RetryInfo } from './connect.js';
import { SLOW_FORGIVEN_MS } from './drop-policy.js';
import type { NowPlaying } from './now-playing.js';
import type { LoopHost } from './source-loop.js';

/** A connected output whose encoder delivered nothing for this long is `stalled`, not `live`. */
const STALLED_AFTER_MS = 1500;

export interface IcecastOutputEvents {
	state: [state: OutputState, error: IcecastError | undefined];
	/** A shared mount it seeks is held by another source (once per wait). */
	blocked: [];
	retry: [info: RetryInfo];
	/** It removed a silent holder of its mount and took it, or could not (`failover` on the mount). */
	failover: [note: Omit<FailoverEvent, 'profile' | 'server' | 'mount'>];
}

/**
 * What people see of one output: its state, the last cause, its counters. The connection loop's
 * events and the output's verbs change them here, and only here; `setState` is the one transition
 * of the state, and it says each change as a `state` event.
 */
export class OutputReport implements LoopHost {
	private current: OutputState = 'connecting';
	bytesSent = 0;
	lastError: string | null = null;
	lastErrorCode: string | null = null;
	liveSince: Date | null = null;
	/** Listeners on its mount, from the server's status page, when known. */
	audience: number | null = null;
	lastUnitAt = 0;
	/** The last unit written (an Ogg page ends a stream properly when it is handed over). */
	lastUnit: Buffer | undefined;
	kbps = 0;
	/** Whether it ever stood by: its mount then came to it later (see `IcecastOutput.cameLater`). */
	stoodBy = false;
	/** Connection attempts so far, less those that found a shared mount held (turns waited, not retries). */
	private attempts = 0;
	private readonly rate = new RateMeter();
	/**
	 * After a drop as too slow, or a connection the server closed at once: the cause stays in
	 * `lastError` until this moment of keeping up (0: no mark; infinity: no connection kept up yet), so
	 * `live` is never shown plain.
	 */
	private markedUntil = 0;

	constructor(
		private readonly events: EventEmitter<IcecastOutputEvents>,
		private readonly playing: NowPlaying,
		private readonly clock: Clock,
	) {}

	get state(): OutputState {
		return this.current;
	}

	/** Connection attempts after the first: every retry and every reconnect after a drop. */
	get reconnects(): number {
		return Math.max(0, this.attempts - 1);
	}

	/** Connected and sending (or stalled, its connection kept): it holds its mount. */
	get onAir(): boolean {
		return this.state === 'live' || this.state === 'stalled';
	}

	setState(state: OutputState, error?: IcecastError): void {
		if (state === this.current) return;
		this.current = state;
		this.events.emit('state', state, error);
	}

	/** The latest cause, in plain words and as a code; undefined: all is well again. */
	note(cause: { message: string; code: string } | undefined): void {
		this.lastError = cause?.message ?? null;
		this.lastErrorCode = cause?.code ?? null;
	}

	/** Once a second: the rate, whether the encoder still delivers, and whether a mark has been kept up long enough. */
	tick(now: number): void {
		this.kbps = this.onAir ? this.rate.sample(this.bytesSent) : 0;
		if (this.state === 'live' && now - this.lastUnitAt > STALLED_AFTER_MS) this.setState('stalled');
		// The mark of a slow or short-lived connection goes once this one has kept up for a minute.
		if (this.markedUntil && now >= this.markedUntil && this.onAir) {
			this.markedUntil = 0;
			this.note(undefined);
			this.events.emit('state', this.state, undefined);
		}
	}

	/** The count read from the server: taken while live, kept otherwise (a mount another source holds is not its own). */
	heard(audience: number | undefined): void {
		if (this.current === 'live') this.audience = audience ?? 0;
	}

	attempted(): void {
		this.attempts++;
	}

	waiting(first: boolean): void {
		this.attempts--;
		this.note(undefined);
		this.setState('waiting');
		if (first) this.events.emit('blocked');
	}

	retrying(info: RetryInfo): void {
		this.note(info.error);
		this.setState('retrying', info.error);
		this.events.emit('retry', info);
	}

	failed(cause: IcecastError): void {
		this.note(cause);
		this.setState('failed', cause);
	}

	connected(): void {
		// Marked by the drop before (slow, closed at once): the mark stays until this connection has kept up.
		if (this.markedUntil !== 0) this.markedUntil = this.clock.wall() + SLOW_FORGIVEN_MS;
		else this.note(undefined);
		this.playing.connected((cause) => this.note(cause));
	}

	/** The output is `live` from the first bytes sent (the connection alone is not audio). */
	wrote(unit: Buffer): number {
		this.bytesSent += unit.length;
		this.lastUnitAt = this.clock.wall();
		this.lastUnit = unit;
		if (this.state !== 'live') {
			this.liveSince ??= new Date(this.lastUnitAt);
			this.setState('live');
		}
		return this.lastUnitAt;
	}

	left(): void {
		this.liveSince = null;
	}

	dropped(cause: IcecastError, wait: RetryInfo | undefined): void {
		this.note(cause);
		this.setState('retrying', cause);
		if (!wait) return;
		// Marked until a connection has kept up for a minute (the minute starts when one is made).
		this.markedUntil = Number.POSITIVE_INFINITY;
		this.events.emit('retry', wait);
	}

	standingBy(): void {
		this.stoodBy = true;
		this.setState('standby');
	}
}
