import { JdcastError } from '../errors/index.js';
import type { Biquad } from './k-weighting.js';
import { LEVEL_KERNEL_WASM } from './level-kernel.wasm.js';

/** Byte offsets in the kernel's memory (see level-kernel.wat). */
const COEFFICIENTS = 0;
const STATES = 256;
const STATE_BYTES = 160;
const PEAK = 96;
const SQUARES = 112;
const WEIGHTED = 128;
const COUNTS = 144;
const PAGE_BYTES = 65536;

type PairFunction = (
	src: number,
	frames: number,
	stride: number,
	right: number,
	gateL: number,
	gateR: number,
	state: number,
	candL: number,
	candR: number,
) => void;

// Node has WebAssembly; the TypeScript lib for it comes with the DOM's, which this package does not load.
declare const WebAssembly: {
	Module: new (bytes: Uint8Array) => WasmModule;
	Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
	Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};
type WasmModule = { readonly kind: 'module' };

let compiled: WasmModule | undefined;

/**
 * The kernel's memory and entry point; E_METER_UNAVAILABLE where this Node has no WebAssembly SIMD
 * (e.g. --jitless).
 */
function instantiate(bytes: number): { buffer: ArrayBuffer; pair: PairFunction } {
	try {
		compiled ??= new WebAssembly.Module(Buffer.from(LEVEL_KERNEL_WASM, 'base64'));
		const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
		const instance = new WebAssembly.Instance(compiled, { env: { memory } });
		return { buffer: memory.buffer, pair: instance.exports.pair as PairFunction };
	} catch {
		throw new JdcastError('E_METER_UNAVAILABLE', 'this Node cannot run the level meter (it needs WebAssembly SIMD)');
	}
}

/**
 * The level meter's per-sample work for one channel layout, in WebAssembly: per channel, the
 * sample peak and sums of squares (plain and K-weighted) of the current block, and the frames of
 * the last run whose |x| passed that channel's true-peak gate.
 */
export class LevelKernel {
	private readonly pair: PairFunction;
	private readonly f64: Float64Array;
	private readonly i32: Int32Array;
	private readonly f32: Float32Array;
	private readonly pairs: number;
	private readonly candidatesAt: number;
	private readonly samplesAt: number;

	/** `maxFrames`: the most frames one run gets. */
	constructor(
		readonly channels: number,
		filters: [Biquad, Biquad],
		private readonly maxFrames: number,
	) {
		this.pairs = Math.ceil(channels / 2);
		this.candidatesAt = STATES + this.pairs * STATE_BYTES;
		this.samplesAt = this.candidatesAt + 2 * this.pairs * maxFrames * 4;
		const { buffer, pair } = instantiate(this.samplesAt + channels * maxFrames * 4);
		this.pair = pair;
		this.f64 = new Float64Array(buffer);
		this.i32 = new Int32Array(buffer);
		this.f32 = new Float32Array(buffer);
		const [shelf, highPass] = filters;
		const coefficients = [
			shelf.b0,
			shelf.b1,
			shelf.b2,
			shelf.a1,
			shelf.a2,
			highPass.b0,
			highPass.b1,
			highPass.b2,
			highPass.a1,
			highPass.a2,
		];
		coefficients.forEach((value, i) => this.f64.fill(value, COEFFICIENTS / 8 + 2 * i, COEFFICIENTS / 8 + 2 * i + 2));
	}

	/** Interleaved frames (at most `maxFrames`); `gates[c]`: |x| above which a frame of channel c is listed. */
	run(samples: Float32Array, gates: ArrayLike<number>): void {
		const frames = samples.length / this.channels;
		if (frames > this.maxFrames) throw new RangeError(`the level kernel takes at most ${this.maxFrames} frames a run`);
		this.f32.set(samples, this.samplesAt / 4);
		const stride = 4 * this.channels;
		for (let p = 0; p < this.pairs; p++) {
			const left = 2 * p;
			// An odd last channel is measured in both lanes; the right lane's results are not read.
			const right = left + 1 < this.channels ? left + 1 : left;
			this.pair(
				this.samplesAt + 4 * left,
				frames,
				stride,
				4 * (right - left),
				gates[left]!,
				gates[right]!,
				STATES + p * STATE_BYTES,
				this.candidates(left),
				this.candidates(left + 1),
			);
		}
	}

	/** Channel c's sample peak of the current block. */
	peak(c: number): number {
		return this.f64[this.at(c, PEAK)]!;
	}

	/** Channel c's sum of squares in the current block. */
	squares(c: number): number {
		return this.f64[this.at(c, SQUARES)]!;
	}

	/** Channel c's sum of K-weighted squares in the current block. */
	weighted(c: number): number {
		return this.f64[this.at(c, WEIGHTED)]!;
	}

	/** The frames of the last run whose |x| passed channel c's gate (a view, valid until the next run). */
	listed(c: number): Int32Array {
		const count = this.i32[(STATES + (c >> 1) * STATE_BYTES + COUNTS) / 4 + (c & 1)]!;
		return this.i32.subarray(this.candidates(c) / 4, this.candidates(c) / 4 + count);
	}

	/** Starts the next block's peak and sums. */
	nextBlock(): void {
		for (let p = 0; p < this.pairs; p++)
			this.f64.fill(0, (STATES + p * STATE_BYTES + PEAK) / 8, (STATES + p * STATE_BYTES + COUNTS) / 8);
	}

	/** Starts afresh: filters and block sums (a new encoder process, same layout). */
	reset(): void {
		this.resetFilters();
		this.nextBlock();
	}

	/** Forgets the filters' history: after a NaN or infinity got in, they would carry it forever. */
	resetFilters(): void {
		for (let p = 0; p < this.pairs; p++)
			this.f64.fill(0, (STATES + p * STATE_BYTES) / 8, (STATES + p * STATE_BYTES + PEAK) / 8);
	}

	private at(c: number, field: number): number {
		return (STATES + (c >> 1) * STATE_BYTES + field) / 8 + (c & 1);
	}

	private candidates(c: number): number {
		return this.candidatesAt + c * this.maxFrames * 4;
	}
}
