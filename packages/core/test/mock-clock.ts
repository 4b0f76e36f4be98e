import type { TestContext } from 'node:test';
import type { Clock } from '../src/util/clock.js';

/** Lets every promise that is ready settle: one turn of the event loop (setImmediate is not mocked). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * node:test's mock timers (setTimeout, setInterval, Date) from `now`, and a Clock on them whose both
 * times are the mock Date. The clock notes each wait asked of it (`waits`) and when each of its timers
 * is due, so that `advanceTo` goes from one timer to the next and lets the promises each one starts
 * settle before the next: code that awaits between timers runs as it would in real time.
 */
export function mockTime(t: TestContext, now = 0) {
	t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now });
	const waits: number[] = [];
	const due = new Map<NodeJS.Timeout, { at: number; every?: number }>();
	const clock: Clock = {
		monotonic: () => Date.now(),
		wall: () => Date.now(),
		setTimeout: (run, ms) => {
			waits.push(ms);
			const timer = setTimeout(() => {
				due.delete(timer);
				run();
			}, ms);
			due.set(timer, { at: Date.now() + ms });
			return timer;
		},
		clearTimeout: (timer) => {
			if (timer) due.delete(timer);
			clearTimeout(timer);
		},
		setInterval: (run, ms) => {
			const timer = setInterval(() => {
				due.set(timer, { at: Date.now() + ms, every: ms });
				run();
			}, ms);
			due.set(timer, { at: Date.now() + ms, every: ms });
			return timer;
		},
		clearInterval: (timer) => {
			if (timer) due.delete(timer);
			clearInterval(timer);
		},
	};

	/** Runs every timer due up to `target` (epoch ms on the mock Date), each at its own moment. */
	async function advanceTo(target: number): Promise<void> {
		for (;;) {
			await flush();
			const next = Math.min(...[...due.values()].map((d) => d.at));
			const to = Math.min(next, target);
			t.mock.timers.tick(Math.max(0, to - Date.now()));
			await flush();
			if (next > target) return;
		}
	}

	return {
		clock,
		waits,
		advanceTo,
		/** Runs every timer due within the next `ms`. */
		advance: (ms: number) => advanceTo(Date.now() + ms),
		/** How many of the clock's timers are waiting. */
		pending: () => due.size,
	};
}
