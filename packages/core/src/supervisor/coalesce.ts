import { type Clock, realClock } from '../util/clock.js';

/** What became of one offered value: sent (with what sending it gave), or replaced by a newer one before its turn. */
export type Delivery<R> = { superseded: false; result: R } | { superseded: true };

interface Waiting<V, R> {
	value: V;
	settle: (delivery: Delivery<R>) => void;
	fail: (error: unknown) => void;
}

/**
 * Sends at most one value per `intervalMs` to one target, the latest winning: the first value after
 * a quiet interval goes out at once (leading edge), values that come while the target is resting
 * replace each other, and the last of them goes out when the interval is over (trailing edge). A
 * send still under way when the interval is over delays the next one until it has finished, so
 * that two sends never race and an older value cannot land after a newer one. Every offer's
 * promise says truthfully what became of it.
 */
export class Coalescer<V, R> {
	private lastStart: number | undefined;
	private waiting: Waiting<V, R> | undefined;
	private timer: NodeJS.Timeout | undefined;
	private sending = false;
	private closed = false;

	constructor(
		private readonly send: (value: V) => R | Promise<R>,
		private readonly intervalMs: number,
		private readonly clock: Clock = realClock,
		/**
		 * Milliseconds more to rest once the interval is over, given the time since the last send (a
		 * target whose sends cost in proportion to what else it carries says how long until one is
		 * affordable); 0 to send now.
		 */
		private readonly hold?: (sinceLastMs: number) => number,
	) {}

	/** Offers a value: sent at once when the target is free, else when its turn comes, unless a newer one replaces it. */
	offer(value: V): Promise<Delivery<R>> {
		return new Promise<Delivery<R>>((settle, fail) => {
			if (this.closed) return settle({ superseded: true });
			this.waiting?.settle({ superseded: true });
			this.waiting = { value, settle, fail };
			this.schedule();
		});
	}

	/** The target is gone (its profile stopped): what waits never goes out, and says so; no timer is left. */
	close(): void {
		this.closed = true;
		this.clock.clearTimeout(this.timer);
		this.timer = undefined;
		this.waiting?.settle({ superseded: true });
		this.waiting = undefined;
	}

	/** Whether a value waits for its turn (for tests and status). */
	get pending(): boolean {
		return this.waiting !== undefined;
	}

	private schedule(): void {
		if (this.closed || this.timer !== undefined || this.sending || this.waiting === undefined) return;
		const now = this.clock.monotonic();
		let wait = this.lastStart === undefined ? 0 : this.lastStart + this.intervalMs - now;
		if (wait <= 0 && this.hold)
			wait = this.hold(this.lastStart === undefined ? Number.POSITIVE_INFINITY : now - this.lastStart);
		if (wait <= 0) {
			this.fire();
			return;
		}
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			this.schedule();
		}, wait);
		// A value waiting for its turn does not keep a process alive that has nothing else to do.
		this.timer.unref?.();
	}

	private fire(): void {
		const waiting = this.waiting;
		if (waiting === undefined) return;
		this.waiting = undefined;
		this.lastStart = this.clock.monotonic();
		this.sending = true;
		let sent: Promise<R>;
		try {
			// Called now, not in a later tick: the leading edge reaches its target before offer() returns.
			sent = Promise.resolve(this.send(waiting.value));
		} catch (error) {
			sent = Promise.reject(error);
		}
		sent
			.then(
				(result) => waiting.settle({ superseded: false, result }),
				(error: unknown) => waiting.fail(error),
			)
			.finally(() => {
				this.sending = false;
				this.schedule();
			});
	}
}
