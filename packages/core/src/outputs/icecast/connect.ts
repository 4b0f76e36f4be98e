import { IcecastError } from '../../icecast/errors.js';
import type { SourceConnection } from '../../icecast/source-connection.js';
import { backoffDelay } from '../../util/backoff.js';
import { retryForever } from '../../util/retry.js';
import type { Clock } from '../../util/clock.js';

/**
 * Transient faults: back within half a second of the server accepting again. A refused
 * connection costs next to nothing, so knocking twice a second is fine.
 */
const RETRY = { firstMs: 100, capMs: 500 };
/** "Mountpoint in use": another source may let go, but knocking every second is rude. */
const RETRY_MOUNT_IN_USE = { firstMs: 1000, capMs: 5000 };
/** A shared mount held by another DJ is taken the moment it is free: asked this often. */
const SHARED_POLL_MS = 100;

export interface RetryInfo {
	attempt: number;
	delayMs: number;
	error: IcecastError;
}

export interface ConnectOptions {
	/** Ends the wait (stopped, parked, a connection adopted): the result is then undefined. */
	signal: AbortSignal;
	/** Taken in turns with other sources: a mount in use is a turn to wait for, not a fault. */
	shared: boolean;
	/** What the waits between attempts run on (a test's mock timers). */
	clock: Clock;
	attempt: () => Promise<SourceConnection>;
	/** A shared mount is held by another source; `first` on the first such answer of this wait. */
	waiting: (first: boolean) => void;
	/** An attempt failed; the next one follows after `delayMs`. */
	retrying: (info: RetryInfo) => void;
	/** The output failed for good (a wrong password, none at all). */
	failed: (cause: IcecastError) => void;
}

/**
 * Connects, retrying with backoff; undefined when the wait was ended or the output failed for good.
 * A shared mount that another source holds is asked for every 100 ms, and the answer is not an error.
 */
export async function connectWithRetry(o: ConnectOptions): Promise<SourceConnection | undefined> {
	const { signal } = o;
	let blocked = false;
	try {
		const connection = await retryForever(o.attempt, {
			signal,
			onFailedAttempt: async (error, attemptNumber) => {
				// An attempt that ends after the wait was ended (parked, adopted, stopped) says nothing any more.
				if (signal.aborted) return;
				const cause = error instanceof IcecastError ? error : new IcecastError('E_ICECAST_RESET', error.message);
				if (o.shared && cause.code === 'E_ICECAST_MOUNT_IN_USE') {
					o.waiting(!blocked);
					blocked = true;
					await pause(o.clock, SHARED_POLL_MS, signal);
					return;
				}
				const delayMs = backoffDelay(
					attemptNumber + 1,
					cause.code === 'E_ICECAST_MOUNT_IN_USE' ? RETRY_MOUNT_IN_USE : RETRY,
				);
				o.retrying({ attempt: attemptNumber, delayMs, error: cause });
				await pause(o.clock, delayMs, signal);
			},
		});
		// Won while the wait was being ended: not wanted any more.
		if (signal.aborted) {
			connection.close();
			return undefined;
		}
		return connection;
	} catch (error) {
		if (signal.aborted) return undefined;
		o.failed(error instanceof IcecastError ? error : new IcecastError('E_ICECAST_RESET', String(error)));
		return undefined;
	}
}

/** Waits `ms` on `clock`; ended early, quietly, by `signal` (the wait is over: nothing is left to wait for). */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const done = () => {
			clock.clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = clock.setTimeout(done, ms);
		signal.addEventListener('abort', done, { once: true });
	});
}
