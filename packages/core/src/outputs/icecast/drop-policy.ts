import { backoffDelay } from '../../util/backoff.js';

/** A server dropped as too slow (E_ICECAST_SLOW) is tried again after this, growing. */
const RETRY_SLOW = { firstMs: 2000, capMs: 30_000 };
/** A connection that held this long wipes out earlier slow drops, and the mark they left. */
export const SLOW_FORGIVEN_MS = 60_000;
/**
 * A connection the server closes sooner than this after accepting it is a failure like a refusal
 * (a server that accepts and closes at once must not be knocked on 50 times a second): the next
 * try waits at least a second, growing.
 */
const SHORT_LIVED_MS = 2000;
const RETRY_SHORT_LIVED = { firstMs: 1000, capMs: 10_000 };

/** The drops in a row that count against a server: as too slow, and closed soon after accepting. */
export interface Drops {
	slow: number;
	short: number;
}

export const NO_DROPS: Drops = { slow: 0, short: 0 };

/**
 * What a dropped connection means for the next try: the drops counted so far, and a wait when the
 * server is failing (too slow, or closing at once again). Without a wait the output reconnects at
 * once, as after any other drop. A wait also marks the output: its cause stays shown until a
 * connection has kept up for `SLOW_FORGIVEN_MS`, so that it is never shown plainly live in between.
 */
export function afterDrop(
	before: Drops,
	code: string,
	livedMs: number,
): { drops: Drops; wait?: { attempt: number; delayMs: number } } {
	// A server too slow for the stream is slow again at once: wait longer each time (reset once a
	// connection has held for a while).
	const slow = code === 'E_ICECAST_SLOW' ? (livedMs > SLOW_FORGIVEN_MS ? 1 : before.slow + 1) : 0;
	// A server that accepts and closes at once is failing, however politely: back off as from a refusal
	// from the second such close in a row (one alone may be a server restarted just after we connected).
	const short = slow === 0 && livedMs < SHORT_LIVED_MS ? before.short + 1 : 0;
	const drops = { slow, short };
	if (slow === 0 && short <= 1) return { drops };
	const delayMs =
		slow > 0
			? backoffDelay(slow + 1, RETRY_SLOW)
			: Math.max(RETRY_SHORT_LIVED.firstMs, backoffDelay(short, RETRY_SHORT_LIVED));
	return { drops, wait: { attempt: slow || short, delayMs } };
}
