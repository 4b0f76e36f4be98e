/** kbps over a sliding window of byte counts sampled once a second. */
export class RateMeter {
	private samples: { at: number; bytes: number }[] = [];

	constructor(private readonly windowMs = 5000) {}

	sample(totalBytes: number, now = performance.now()): number {
		this.samples.push({ at: now, bytes: totalBytes });
		while (this.samples.length > 2 && now - this.samples[0]!.at > this.windowMs) this.samples.shift();
		const first = this.samples[0]!;
		const seconds = (now - first.at) / 1000;
		return seconds > 0 ? Math.round(((totalBytes - first.bytes) * 8) / 1000 / seconds) : 0;
	}
}
