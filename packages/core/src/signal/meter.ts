import { kWeighting } from './k-weighting.js';
import { LevelKernel } from './level-kernel.js';
import { IntegratedLoudness, lufs } from './loudness.js';
import { TruePeakChannel } from './true-peak.js';
import type { PcmFormat as WavFormat } from './wav-reader.js';

type PcmFormat = Pick<WavFormat, 'channels' | 'sampleRate'>;

/** One 100 ms step of the meter. Levels in dB; -Infinity where the signal is digital silence. */
export interface MeterReading {
	/** Per channel, sample peak over the last 400 ms, dBFS. */
	peakDb: number[];
	/** Per channel, RMS over the last 400 ms, dBFS (a full-scale sine reads -3). */
	rmsDb: number[];
	/** EBU R128 momentary (400 ms), short-term (3 s; -Infinity for the first 3 s) and integrated loudness. */
	momentaryLufs: number;
	shortTermLufs: number;
	integratedLufs: number;
	/** The highest true peak since the start, dBTP. */
	truePeakDb: number;
	/** Samples at or beyond full scale since the start. */
	clips: number;
}

const BLOCK_SECONDS = 0.1;
const MOMENTARY_BLOCKS = 4;
const SHORT_TERM_BLOCKS = 30;
/** A float sample this close to ±1 is as loud as 16-bit audio gets: counted as clipped. */
const CLIP_LEVEL = 32767 / 32768;
const DB = (x: number) => 20 * Math.log10(x);

/**
 * Levels and loudness of the audio every encoder of a profile receives, from the PCM copy
 * ffmpeg writes beside the encodes (no second capture from JACK). Channels are weighted 1.0
 * each (JACK ports carry no layout).
 */
export class SignalMeter {
	private format: PcmFormat | undefined;
	private blockFrames = 0;
	private inBlock = 0;
	private kernel: LevelKernel | undefined;
	private gates = new Float64Array(0);
	/** Per channel rings of the last 4 blocks' peak and mean square. */
	private peaks: Float64Array[] = [];
	private squares: Float64Array[] = [];
	private readonly energies = new Float64Array(SHORT_TERM_BLOCKS);
	private blocks = 0;
	private spoiledUntil = 0;
	private truePeaks: TruePeakChannel[] = [];
	private readonly integrated = new IntegratedLoudness();
	private clips = 0;

	constructor(private readonly onReading: (reading: MeterReading) => void) {}

	/** Interleaved float frames; a change of format (a restarted encoder) starts the windows afresh. */
	push(samples: Float32Array, format: PcmFormat): void {
		if (format.channels !== this.format?.channels || format.sampleRate !== this.format.sampleRate)
			this.configure(format);
		const channels = format.channels;
		const frames = samples.length / channels;
		let offset = 0;
		while (offset < frames) {
			const take = Math.min(frames - offset, this.blockFrames - this.inBlock);
			this.accumulate(samples.subarray(offset * channels, (offset + take) * channels), channels);
			this.inBlock += take;
			offset += take;
			if (this.inBlock === this.blockFrames) this.finishBlock();
		}
	}

	/** A new encoder process: its audio does not continue the old one's, so the windows start again. */
	restart(): void {
		if (this.format) this.configure(this.format);
	}

	private configure(format: PcmFormat): void {
		const n = format.channels;
		const blockFrames = Math.round(format.sampleRate * BLOCK_SECONDS);
		// The same layout again (a restarted encoder): the kernel is kept, its state cleared.
		if (this.kernel && n === this.format?.channels && format.sampleRate === this.format.sampleRate) this.kernel.reset();
		else this.kernel = new LevelKernel(n, kWeighting(format.sampleRate), blockFrames);
		this.format = format;
		this.blockFrames = blockFrames;
		this.inBlock = 0;
		this.gates = new Float64Array(n);
		this.peaks = Array.from({ length: n }, () => new Float64Array(MOMENTARY_BLOCKS));
		this.squares = Array.from({ length: n }, () => new Float64Array(MOMENTARY_BLOCKS));
		this.energies.fill(0);
		this.blocks = 0;
		this.spoiledUntil = 0;
		// The maximum true peak is since the start, across encoder restarts.
		const carried = Math.max(0, ...this.truePeaks.map((t) => t.max));
		this.truePeaks = Array.from({ length: n }, () => Object.assign(new TruePeakChannel(), { max: carried }));
	}

	private accumulate(samples: Float32Array, channels: number): void {
		const kernel = this.kernel!;
		for (let c = 0; c < channels; c++) this.gates[c] = this.truePeaks[c]!.gate;
		kernel.run(samples, this.gates);
		for (let c = 0; c < channels; c++) {
			// Clipping is rare: counted in a second look only when the peak says there is some.
			if (kernel.peak(c) >= CLIP_LEVEL)
				for (let i = c; i < samples.length; i += channels) if (Math.abs(samples[i]!) >= CLIP_LEVEL) this.clips++;
			this.truePeaks[c]!.scan(samples, c, channels, kernel.listed(c));
		}
	}

	private finishBlock(): void {
		const n = this.format!.channels;
		const slot = this.blocks % MOMENTARY_BLOCKS;
		let energy = 0;
		const kernel = this.kernel!;
		for (let c = 0; c < n; c++) {
			this.peaks[c]![slot] = kernel.peak(c);
			this.squares[c]![slot] = kernel.squares(c) / this.blockFrames;
			energy += kernel.weighted(c) / this.blockFrames;
		}
		kernel.nextBlock();
		// A NaN or an infinity in the input (a broken plugin upstream) spoils this block only.
		if (!Number.isFinite(energy)) {
			kernel.resetFilters();
			energy = 0;
			// The gating blocks that include it would read too quiet: left out of the integrated loudness.
			this.spoiledUntil = this.blocks + MOMENTARY_BLOCKS;
			for (let c = 0; c < n; c++) {
				if (!Number.isFinite(this.squares[c]![slot]!)) this.squares[c]![slot] = 0;
				if (!Number.isFinite(this.peaks[c]![slot]!)) this.peaks[c]![slot] = 0;
			}
		}
		this.energies[this.blocks % SHORT_TERM_BLOCKS] = energy;
		this.blocks++;
		this.inBlock = 0;
		const momentaryEnergy = this.meanEnergy(MOMENTARY_BLOCKS);
		if (this.blocks >= MOMENTARY_BLOCKS && this.blocks > this.spoiledUntil) this.integrated.add(momentaryEnergy);
		const have = Math.min(this.blocks, MOMENTARY_BLOCKS);
		this.onReading({
			peakDb: this.peaks.map((ring) => DB(Math.max(...ring.subarray(0, have)))),
			rmsDb: this.squares.map((ring) => 10 * Math.log10(ring.subarray(0, have).reduce((a, b) => a + b, 0) / have)),
			momentaryLufs: lufs(momentaryEnergy),
			shortTermLufs:
				this.blocks >= SHORT_TERM_BLOCKS ? lufs(this.meanEnergy(SHORT_TERM_BLOCKS)) : Number.NEGATIVE_INFINITY,
			integratedLufs: this.integrated.value,
			truePeakDb: DB(Math.max(...this.truePeaks.map((t) => t.max))),
			clips: this.clips,
		});
	}

	/** Mean of the last `count` blocks' energies (fewer at the start). */
	private meanEnergy(count: number): number {
		const have = Math.min(this.blocks, count);
		let sum = 0;
		for (let i = 1; i <= have; i++) sum += this.energies[(this.blocks - i) % SHORT_TERM_BLOCKS]!;
		return have ? sum / have : 0;
	}
}
