/**
 * The time a recording's timed jobs (split boundaries, disk retries) read and wait on. Passed in, so
 * that a test drives them in milliseconds with node:test's mock timers and a clock of its own instead
 * of waiting seconds of real time.
 */
export interface Clock {
	/** Milliseconds on a clock that never jumps: how long a gap or a part lasted. */
	monotonic(): number;
	/** Milliseconds since the epoch: the moments files are named for. */
	wall(): number;
	setTimeout(run: () => void, ms: number): NodeJS.Timeout;
	clearTimeout(timer: NodeJS.Timeout | undefined): void;
}

/**
 * The machine's clocks and timers. The timer functions are looked up at each call, not kept: node:test's
 * mock timers replace them after this module is loaded.
 */
export const realClock: Clock = {
	monotonic: () => performance.now(),
	wall: () => Date.now(),
	setTimeout: (run, ms) => setTimeout(run, ms),
	clearTimeout: (timer) => clearTimeout(timer),
};
