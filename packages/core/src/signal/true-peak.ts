/**
 * True peak after ITU-R BS.1770-4 Annex 2: the signal 4× oversampled (3 points between each
 * two samples, from a 12-tap Kaiser-windowed sinc per point). Oversampling every sample costs
 * more than the Opus encode it watches, so only what can set a new maximum is oversampled: the
 * two gaps beside each local maximum of |x| (where a continuous peak lies) whose sample is
 * within 6 dB of the maximum so far (a peak between samples exceeds its neighbours by at most
 * 1/cos(πf/fs): 6 dB up to 16 kHz at 48 kHz).
 */
const TAPS = 12;
const HALF = TAPS / 2;
const STEPS = 4;
/** The largest ratio of a peak between samples to the sample beside it that is looked for. */
const REACH = 2;
const KAISER_BETA = 5;

/** FILTERS[p - 1]: the taps for the point p/4 of the way from x[s] to x[s+1], over x[s-5..s+6]. */
const FILTERS = [1, 2, 3].map((p) => {
	const taps = new Float64Array(TAPS);
	for (let k = 0; k < TAPS; k++) {
		const t = HALF - 1 + p / STEPS - k;
		const sinc = Math.sin(Math.PI * t) / (Math.PI * t);
		const r = t / HALF;
		taps[k] = sinc * (besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / besselI0(KAISER_BETA));
	}
	const dc = taps.reduce((a, b) => a + b, 0);
	return taps.map((h) => h / dc);
});

function besselI0(x: number): number {
	let sum = 1;
	let term = 1;
	for (let k = 1; k < 25; k++) {
		term *= (x / (2 * k)) ** 2;
		sum += term;
	}
	return sum;
}

/** One channel's true-peak maximum since the start. */
export class TruePeakChannel {
	/** The previous call's last TAPS samples: its last HALF are judged with the next call's first. */
	private readonly tail = new Float64Array(TAPS);
	private readonly window = new Float64Array(TAPS + 1);
	private samples: Float32Array = new Float32Array(0);
	private channel = 0;
	private channels = 1;
	private frames = 0;
	max = 0;

	/** Samples at or below this cannot be beside a new maximum. */
	get gate(): number {
		return this.max / REACH;
	}

	/**
	 * Judges the previous call's last samples and this call's candidates (the frames whose |x|
	 * passed `gate`, as the caller found them), then keeps this call's tail.
	 */
	scan(samples: Float32Array, channel: number, channels: number, candidates: Int32Array): void {
		this.samples = samples;
		this.channel = channel;
		this.channels = channels;
		const frames = (this.frames = samples.length / channels);
		for (let k = -HALF; k < 0; k++) if (k + HALF < frames) this.judge(k);
		for (let i = 0; i < candidates.length; i++) {
			const k = candidates[i]!;
			if (k < frames - HALF) this.judge(k);
		}
		const tail = this.tail;
		if (frames >= TAPS) {
			for (let m = 0; m < TAPS; m++) tail[m] = samples[(frames - TAPS + m) * channels + channel]!;
		} else {
			tail.copyWithin(0, frames);
			for (let m = 0; m < frames; m++) tail[TAPS - frames + m] = samples[m * channels + channel]!;
		}
	}

	/** Sample k of this call; negative k reaches back into the previous one. */
	private at(k: number): number {
		return k < 0 ? this.tail[TAPS + k]! : this.samples[k * this.channels + this.channel]!;
	}

	/** The sample at k and, if it is a local maximum, the points between it and its neighbours. */
	private judge(k: number): void {
		let max = this.max;
		const x = Math.abs(this.at(k));
		// NaN and infinities are not audio: they never set the maximum.
		if (!(x < Infinity) || x * REACH <= max) return;
		if (x > max) max = x;
		if (x >= Math.abs(this.at(k - 1)) && x >= Math.abs(this.at(k + 1))) {
			const w = this.window;
			for (let m = 0; m <= TAPS; m++) w[m] = this.at(k - HALF + m);
			for (let f = 0; f < 3; f++) {
				const h = FILTERS[f]!;
				let left = 0;
				let right = 0;
				for (let t = 0; t < TAPS; t++) {
					left += h[t]! * w[t]!;
					right += h[t]! * w[t + 1]!;
				}
				if (left < 0) left = -left;
				if (right < 0) right = -right;
				if (left > max && left < Infinity) max = left;
				if (right > max && right < Infinity) max = right;
			}
		}
		this.max = max;
	}
}
