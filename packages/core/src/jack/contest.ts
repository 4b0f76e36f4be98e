import type { Clock } from '../util/clock.js';

/** Made again this often within WINDOW_MS: something fights the rule (a patchbay), and the operator is told. */
const TIMES = 3;
const WINDOW_MS = 30_000;
/** Held this long since its last remake, a connection's fight is over: the next one starts afresh. */
const QUIET_MS = 60_000;
/** While fought, remakes wait 1 s, 2 s, 4 s … up to this. */
const MAX_WAIT_MS = 30_000;

interface Fight {
	times: number[];
	last: number;
	level: number;
	until: number;
	told: boolean;
}

/**
 * Keeps a rule's connection from a fight it cannot win quickly: something that removes it each
 * time it is made (a patchbay in exclusive mode) would otherwise make jdcast remake it at every
 * graph event, ten times a second. From the third remake within 30 s remakes wait (1 s, 2 s, 4 s
 * … 30 s); removed again after the first wait, the operator is told, once, until the connection
 * holds for a minute.
 */
export class Contest {
	private readonly fights = new Map<string, Fight>();

	/** Reads the clock's monotonic time only: a fight's waits are lengths of time, not moments of the day. */
	constructor(private readonly clock: Pick<Clock, 'monotonic'>) {}

	/** Whether a remake of this connection waits for now. */
	waiting(key: string): boolean {
		return (this.fights.get(key)?.until ?? 0) > this.clock.monotonic();
	}

	/** The connection is being made again after something removed it; the count when the operator is to be told, once. */
	remade(key: string): number | undefined {
		const now = this.clock.monotonic();
		const before = this.fights.get(key);
		const fight: Fight =
			before && now - before.last <= QUIET_MS ? before : { times: [], last: now, level: 0, until: 0, told: false };
		fight.last = now;
		fight.times = [...fight.times.filter((at) => now - at < WINDOW_MS), now];
		this.fights.set(key, fight);
		// Once fought, every remake waits until the connection holds for QUIET_MS: the window only starts a fight.
		if (fight.level === 0 && fight.times.length < TIMES) return undefined;
		fight.until = now + Math.min(MAX_WAIT_MS, 1000 * 2 ** fight.level++);
		// Told once it went on after a first wait: a client going away drops its connections a moment
		// before its ports, and what was remade then (forgotten when it is gone) is no fight.
		if (fight.told || fight.level < 2) return undefined;
		fight.told = true;
		return fight.times.length;
	}

	/** A source (or our client) appeared anew: what it went through before does not count. */
	forget(match: (key: string) => boolean): void {
		for (const key of [...this.fights.keys()]) if (match(key)) this.fights.delete(key);
	}
}
