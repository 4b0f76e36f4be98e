/**
 * The time that logic with timers reads and waits on: a recording's split boundaries and disk
 * retries, the JACK router's retries and fight backoff, the schedule's boundaries. Passed in, so
 * that a test drives it in milliseconds with node:test's mock timers instead of waiting seconds of
 * real time.
 */
export interface Clock {
	/** Milliseconds on a clock that never jumps: how long a gap, a part or a wait lasted. */
	monotonic(): number;
	/** Milliseconds since the epoch: the moments files are named for and slots begin at. */
	wall(): number;
	setTimeout(run: () => void, ms: number): NodeJS.Timeout;
	clearTimeout(timer: NodeJS.Timeout | undefined): void;
	setInterval(run: () => void, ms: number): NodeJS.Timeout;
	clearInterval(timer: NodeJS.Timeout | undefined): void;
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
	setInterval: (run, ms) => setInterval(run, ms),
	clearInterval: (timer) => clearInterval(timer),
};
