/** R128's absolute gate: blocks quieter than this never count. */
const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
/** The histogram of gating blocks: 0.1 LU bins from -70 to +30 LUFS; fixed memory for a night-long run. */
const BINS = 1000;
const BIN_LU = 0.1;

/** Loudness of a mean-square K-weighted energy, as BS.1770 defines it. */
export function lufs(energy: number): number {
	return -0.691 + 10 * Math.log10(energy);
}

/**
 * Integrated loudness since the start (EBU R128 / BS.1770-4 gating): 400 ms blocks every 100 ms,
 * an absolute gate at -70 LUFS, then a relative gate 10 LU below the mean of what passed. The
 * blocks are kept as a histogram with each bin's summed energy, so the mean is exact and only the
 * relative gate's edge is rounded to 0.1 LU.
 */
export class IntegratedLoudness {
	private readonly count = new Float64Array(BINS);
	private readonly energy = new Float64Array(BINS);
	private blocks = 0;

	/** Adds one gating block (the mean-square energy of 400 ms, channels summed). */
	add(blockEnergy: number): void {
		const loudness = lufs(blockEnergy);
		if (!(loudness >= ABSOLUTE_GATE_LUFS)) return;
		const bin = Math.min(BINS - 1, Math.floor((loudness - ABSOLUTE_GATE_LUFS) / BIN_LU));
		this.count[bin]! += 1;
		this.energy[bin]! += blockEnergy;
		this.blocks++;
	}

	/** -Infinity until a block passed the absolute gate. */
	get value(): number {
		if (this.blocks === 0) return Number.NEGATIVE_INFINITY;
		let sum = 0;
		for (let i = 0; i < BINS; i++) sum += this.energy[i]!;
		const gate = lufs(sum / this.blocks) + RELATIVE_GATE_LU;
		const first = Math.max(0, Math.floor((gate - ABSOLUTE_GATE_LUFS) / BIN_LU));
		let kept = 0;
		let n = 0;
		for (let i = first; i < BINS; i++) {
			kept += this.energy[i]!;
			n += this.count[i]!;
		}
		return n === 0 ? Number.NEGATIVE_INFINITY : lufs(kept / n);
	}
}
