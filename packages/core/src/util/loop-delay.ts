import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const WINDOW_MS = 10_000;
const WINDOWS = 6;

/**
 * How long the event loop — which moves every audio byte — was held up, worst case over the
 * last minute (six windows of 10 s). Anything near a page's 20 ms shows as a late page to Icecast.
 */
export class LoopDelayMonitor {
	private histogram: IntervalHistogram | undefined;
	private timer: NodeJS.Timeout | undefined;
	private readonly windows: number[] = [];

	start(): void {
		if (this.histogram) return;
		this.histogram = monitorEventLoopDelay({ resolution: 50 });
		this.histogram.enable();
		this.timer = setInterval(() => {
			this.windows.push(this.histogram!.max);
			if (this.windows.length > WINDOWS - 1) this.windows.shift();
			this.histogram!.reset();
		}, WINDOW_MS);
		this.timer.unref();
	}

	stop(): void {
		this.histogram?.disable();
		this.histogram = undefined;
		clearInterval(this.timer);
	}

	/** Milliseconds, rounded to 0.1. */
	get maxMs(): number {
		const current = this.histogram && this.histogram.count > 0 ? this.histogram.max : 0;
		return Math.round(Math.max(current, ...this.windows) / 1e5) / 10;
	}
}
