import type { RecordingState } from '../../status/types.js';
import { backoffDelay } from '../../util/backoff.js';
import { type Clock, realClock } from '../../util/clock.js';

/** How long a recording waits before trying the disk again: doubling from 1 s, at most 30 s. */
const RETRY = { firstMs: 1000, capMs: 30_000 };
/** A part the disk has taken for this long without a fault starts the waits short again. */
const HEALTHY_AFTER_MS = 60_000;

/** What the recording says about its state (the `state` and `gap` events of `RecordingSink`). */
export interface StateEvents {
	emit(event: 'state', state: RecordingState, error: string | null): unknown;
	emit(event: 'gap', message: string): unknown;
}

/**
 * A recording's state as its disk allows it: `recording` while the disk takes what it is given,
 * `retrying` from a fault until the disk takes data again (with a wait before each new try, longer
 * after each fault), `stopped`. It also keeps the account: what the disk took, and how much audio was
 * lost in the gaps. The recording decides what a fault does to its files; this says when to try
 * again and what to tell about it.
 */
export class DiskRetry {
	#state: RecordingState = 'stopped';
	#lastError: string | null = null;
	/** Bytes the disk took, all files. */
	#bytes = 0;
	/** Since when the disk took bytes: the recording's byte rate, to tell lost bytes in seconds. */
	#firstWriteAt: number | undefined;
	/** Faults since the disk was last healthy for a while: the backoff's attempt count. */
	#faults = 0;
	/** When the disk began refusing; undefined while it takes what it is given. */
	#failedAt: number | undefined;
	/** What first stopped the disk taking this recording, for the sentence about the gap. */
	#cause = '';
	#lostSeconds = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly events: StateEvents,
		private readonly clock: Clock = realClock,
		private readonly random: () => number = Math.random,
	) {}

	get state(): RecordingState {
		return this.#state;
	}

	get lastError(): string | null {
		return this.#lastError;
	}

	get bytes(): number {
		return this.#bytes;
	}

	/** Seconds of audio lost so far: the gaps, and what the disk was handed but never wrote. */
	get lostSeconds(): number {
		return this.#lostSeconds;
	}

	/** A new file is open: the recording is `recording` again, unless it waits for the disk to take data. */
	opened(): void {
		if (this.#failedAt !== undefined) return;
		this.#state = 'recording';
		this.events.emit('state', 'recording', null);
	}

	/**
	 * The disk took `bytes` of a part opened at `part.openedAt` (on the clock's monotonic time). When the
	 * recording was waiting and `current` (the part is the one being written), it is back in `part.file`,
	 * and the gap is said.
	 */
	took(bytes: number, part: { file: string; openedAt: number }, current: boolean): void {
		this.#bytes += bytes;
		this.#firstWriteAt ??= this.clock.monotonic();
		if (this.#state === 'retrying' && current) {
			const lost = (this.clock.monotonic() - (this.#failedAt ?? this.clock.monotonic())) / 1000;
			this.#lostSeconds += lost;
			this.#failedAt = undefined;
			this.#state = 'recording';
			this.#lastError = null;
			this.events.emit('state', 'recording', null);
			this.events.emit('gap', `recording continues in ${part.file} after ${lost.toFixed(1)} s lost (${this.#cause})`);
		}
		// A disk that has held for a while starts the waits short again (a disk that keeps filling up must not
		// get a new part every second).
		if (this.#faults > 0 && this.clock.monotonic() - part.openedAt > HEALTHY_AFTER_MS) this.#faults = 0;
	}

	/**
	 * `bytes` handed to a file the disk failed, never written: lost too, as seconds at the rate the disk
	 * took this recording so far (up to 64 MiB on a slow disk).
	 */
	dropped(bytes: number): void {
		if (this.#firstWriteAt === undefined || this.#bytes === 0) return;
		const seconds = (this.clock.monotonic() - this.#firstWriteAt) / 1000;
		if (seconds < 1) return;
		this.#lostSeconds += bytes / (this.#bytes / seconds);
	}

	/**
	 * The disk refused, as `message` says: `retrying` (said once, with the wait), and `retry` runs after the
	 * wait (a retry still waiting is replaced). The gap is counted from the first refusal.
	 */
	fault(message: string, retry: () => void): void {
		this.#lastError = message;
		this.#faults++;
		// The first wait is a full second: backoffDelay's "at once" is for networks, not disks.
		const delayMs = Math.max(RETRY.firstMs, backoffDelay(this.#faults + 1, RETRY, this.random));
		if (this.#state !== 'retrying') {
			this.#failedAt = this.clock.monotonic();
			this.#cause = message;
			this.#state = 'retrying';
			this.events.emit('state', 'retrying', `${message}; trying again in ${(delayMs / 1000).toFixed(0)} s`);
		}
		this.clock.clearTimeout(this.#timer);
		this.#timer = this.clock.setTimeout(retry, delayMs);
		this.#timer.unref?.();
	}

	/** No more tries: the recording is `stopped`. */
	stop(): void {
		this.clock.clearTimeout(this.#timer);
		if (this.#state === 'stopped') return;
		this.#state = 'stopped';
		this.events.emit('state', 'stopped', null);
	}
}
