/**
 * True peak after ITU-R BS.1770-4 Annex 2: the signal 4× oversampled (3 points between each
 * two samples, from a 12-tap Kaiser-windowed sinc per point). Oversampling every sample costs
 * more than the Opus encode it watches, so only what can set a new maximum is oversampled: the
 * two gaps beside each local maximum of |x| (where a continuous peak lies) whose sample is
 * within 6 dB of the maximum so far (a peak between samples exceeds its neighbours by at most
 * 1/cos(πf/fs): 6 dB up to 16 kHz at 48 kHz).
 */
const TAPS = 12;
/** Where a call's first sample goes in the buffer `room` returns. */
export const TRUE_PEAK_OFFSET = TAPS;
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
	/** The last TAPS samples of the previous call (the last HALF of them not judged yet), then this call's. */
	private buffer = new Float64Array(TAPS);
	private frames = 0;
	/** Positions in this call (0-based) whose sample passed `gate`, as the caller found them. */
	candidates = new Int32Array(0);
	count = 0;
	max = 0;

	/** Samples at or below this cannot be beside a new maximum. */
	get gate(): number {
		return this.max / REACH;
	}

	/** Where the caller writes this call's `frames` samples (at `TRUE_PEAK_OFFSET + i`), listing in `candidates` those above `gate`. */
	room(frames: number): Float64Array {
		const length = TAPS + frames;
		if (this.buffer.length < length) {
			const grown = new Float64Array(length);
			grown.set(this.buffer.subarray(0, TAPS));
			this.buffer = grown;
		}
		if (this.candidates.length < frames) this.candidates = new Int32Array(frames);
		this.frames = frames;
		this.count = 0;
		return this.buffer;
	}

	/** Judges the candidates written with `room`, and the previous call's last samples. */
	scan(): void {
		const length = TAPS + this.frames;
		for (let j = HALF; j < TAPS && j < length - HALF; j++) this.judge(j);
		for (let i = 0; i < this.count; i++) {
			const j = TAPS + this.candidates[i]!;
			if (j < length - HALF) this.judge(j);
		}
		this.buffer.copyWithin(0, length - TAPS, length);
	}

	/** The sample at j and, if it is a local maximum, the points between it and its neighbours. */
	private judge(j: number): void {
		const b = this.buffer;
		let max = this.max;
		const x = b[j]! < 0 ? -b[j]! : b[j]!;
		if (x * REACH <= max) return;
		if (x > max) max = x;
		const before = b[j - 1]! < 0 ? -b[j - 1]! : b[j - 1]!;
		const after = b[j + 1]! < 0 ? -b[j + 1]! : b[j + 1]!;
		if (x >= before && x >= after) {
			for (let f = 0; f < 3; f++) {
				const h = FILTERS[f]!;
				let left = 0;
				let right = 0;
				for (let k = 0; k < TAPS; k++) {
					left += h[k]! * b[j - HALF + k]!;
					right += h[k]! * b[j - HALF + 1 + k]!;
				}
				if (left < 0) left = -left;
				if (right < 0) right = -right;
				if (left > max) max = left;
				if (right > max) max = right;
			}
		}
		this.max = max;
	}
}
