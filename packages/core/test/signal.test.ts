import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kWeighting } from '../src/signal/k-weighting.js';
import { SignalMeter, type MeterReading } from '../src/signal/meter.js';
import { SilenceDetector } from '../src/signal/silence.js';
import { WavReader } from '../src/signal/wav-reader.js';

const RATE = 48000;

/** Interleaved stereo: each part a sine at `db` dBFS peak for `seconds` (null: digital silence). */
function stereo(parts: { db: number | null; seconds: number; hz?: number; phase?: number }[]): Float32Array {
	const total = parts.reduce((n, p) => n + Math.round(p.seconds * RATE), 0);
	const out = new Float32Array(total * 2);
	let i = 0;
	for (const { db, seconds, hz = 1000, phase = 0 } of parts) {
		const amplitude = db === null ? 0 : 10 ** (db / 20);
		for (let n = 0; n < Math.round(seconds * RATE); n++, i++) {
			const x = amplitude * Math.sin((2 * Math.PI * hz * n) / RATE + phase);
			out[2 * i] = x;
			out[2 * i + 1] = x;
		}
	}
	return out;
}

/** Interleaved, one 1 kHz sine per channel at that channel's dBFS peak. */
function channels(levels: number[], seconds: number): Float32Array {
	const n = levels.length;
	const out = new Float32Array(Math.round(seconds * RATE) * n);
	for (let i = 0; i < out.length / n; i++) {
		for (let c = 0; c < n; c++) out[i * n + c] = 10 ** (levels[c]! / 20) * Math.sin((2 * Math.PI * 1000 * i) / RATE);
	}
	return out;
}

function measure(samples: Float32Array, rate = RATE, channelCount = 2): MeterReading[] {
	const readings: MeterReading[] = [];
	const meter = new SignalMeter((r) => readings.push(r));
	// In uneven pieces, as a pipe delivers them; some longer than a 100 ms block.
	for (let at = 0, k = 0; at < samples.length; k++) {
		const frames = [1, 333, 4096, 2000, 9000][k % 5]!;
		meter.push(samples.subarray(at, at + frames * channelCount), { channels: channelCount, sampleRate: rate });
		at += frames * channelCount;
	}
	return readings;
}

describe('the level meter', () => {
	it("has BS.1770's K-weighting coefficients at 48 kHz", () => {
		const [shelf, highPass] = kWeighting(48000);
		for (const [got, want] of [
			[shelf.b0, 1.53512485958697],
			[shelf.b1, -2.69169618940638],
			[shelf.b2, 1.19839281085285],
			[shelf.a1, -1.69065929318241],
			[shelf.a2, 0.73248077421585],
			[highPass.a1, -1.99004745483398],
			[highPass.a2, 0.99007225036621],
		] as const) {
			assert.ok(Math.abs(got - want) < 1e-8, `${got} vs ${want}`);
		}
	});

	it('reads a stereo 1 kHz sine at -23 dBFS as -23.0 LUFS (EBU Tech 3341 case 1), -33 as -33.0 (case 2)', () => {
		for (const level of [-23, -33]) {
			const last = measure(stereo([{ db: level, seconds: 20 }])).at(-1)!;
			assert.ok(Math.abs(last.integratedLufs - level) < 0.1, `integrated ${last.integratedLufs}`);
			assert.ok(Math.abs(last.momentaryLufs - level) < 0.1, `momentary ${last.momentaryLufs}`);
			assert.ok(Math.abs(last.shortTermLufs - level) < 0.1, `short-term ${last.shortTermLufs}`);
			for (const peak of last.peakDb) assert.ok(Math.abs(peak - level) < 0.05, `peak ${peak}`);
			for (const rms of last.rmsDb) assert.ok(Math.abs(rms - (level - 3.01)) < 0.05, `rms ${rms}`);
		}
	});

	it('gates quiet passages out of the integrated loudness (EBU Tech 3341 case 3)', () => {
		const last = measure(
			stereo([
				{ db: -36, seconds: 10 },
				{ db: -23, seconds: 60 },
				{ db: -36, seconds: 10 },
			]),
		).at(-1)!;
		assert.ok(Math.abs(last.integratedLufs + 23) < 0.1, `integrated ${last.integratedLufs}`);
	});

	it('finds the peak between samples: a 12 kHz sine sampled 45° off its crest', () => {
		const last = measure(stereo([{ db: -6, seconds: 1, hz: 12000, phase: Math.PI / 4 }])).at(-1)!;
		assert.ok(Math.abs(last.peakDb[0]! - (-6 - 3.01)) < 0.05, `sample peak ${last.peakDb[0]}`);
		assert.ok(Math.abs(last.truePeakDb + 6) < 0.3, `true peak ${last.truePeakDb}`);
	});

	it('counts clipped samples and reads digital silence as -Infinity', () => {
		const readings = measure(
			stereo([
				{ db: 3, seconds: 1 },
				{ db: null, seconds: 1 },
			]),
		);
		assert.ok(readings.at(-1)!.clips > 1000);
		assert.equal(readings.at(-1)!.peakDb[0], -Infinity);
		assert.equal(readings.length, 20, 'one reading per 100 ms of audio');
	});

	it('measures each channel on its own, whatever their number (1, 3, 6)', () => {
		for (const levels of [[-20], [-10, -20, -30], [-6, -12, -18, -24, -30, -36]]) {
			const last = measure(channels(levels, 2), RATE, levels.length).at(-1)!;
			levels.forEach((level, c) => {
				assert.ok(
					Math.abs(last.peakDb[c]! - level) < 0.05,
					`channel ${c + 1} of ${levels.length}: peak ${last.peakDb[c]}`,
				);
				assert.ok(
					Math.abs(last.rmsDb[c]! - (level - 3.01)) < 0.05,
					`channel ${c + 1} of ${levels.length}: rms ${last.rmsDb[c]}`,
				);
			});
			// A 1 kHz sine reads its RMS level in LUFS (+0.691 - 0.691); the channels' energies add up.
			const want = 10 * Math.log10(levels.reduce((sum, level) => sum + 10 ** ((level - 3.01) / 10), 0));
			assert.ok(
				Math.abs(last.momentaryLufs - want) < 0.1,
				`${levels.length} channels: momentary ${last.momentaryLufs}, want ${want}`,
			);
		}
	});

	it('measures again after a NaN or an infinity got into the audio', () => {
		const audio = stereo([
			{ db: -23, seconds: 1 },
			{ db: -23, seconds: 3 },
		]);
		audio[1000] = Number.NaN;
		audio[2001] = Number.POSITIVE_INFINITY;
		// The last frame of a 100 ms block, and the first of the next.
		audio[2 * 4799] = Number.POSITIVE_INFINITY;
		audio[2 * 9600 + 1] = Number.NEGATIVE_INFINITY;
		const last = measure(audio).at(-1)!;
		assert.ok(Math.abs(last.momentaryLufs + 23) < 0.1, `momentary ${last.momentaryLufs}`);
		assert.ok(Math.abs(last.rmsDb[0]! + 26.01) < 0.05, `rms ${last.rmsDb[0]}`);
		assert.ok(
			Math.abs(last.integratedLufs + 23) < 0.1,
			`integrated ${last.integratedLufs}: the spoiled blocks left out`,
		);
		assert.ok(Math.abs(last.truePeakDb + 23) < 0.2, `true peak ${last.truePeakDb}: an infinity is not a peak`);
	});

	it('says in one sentence, with a code, when this Node cannot run the kernel (node --jitless: no WebAssembly)', async () => {
		const { execFileSync } = await import('node:child_process');
		const meter = new URL('../src/signal/meter.ts', import.meta.url).pathname;
		const script = `import { SignalMeter } from ${JSON.stringify(meter)}; try { new SignalMeter(() => {}).push(new Float32Array(2), { channels: 2, sampleRate: 48000 }); console.log('ran'); } catch (e) { console.log(e.code + ': ' + e.message); }`;
		const out = execFileSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], {
			encoding: 'utf8',
		});
		assert.equal(out.trim(), 'E_METER_UNAVAILABLE: this Node cannot run the level meter (it needs WebAssembly SIMD)');
	});

	it('runs the kernel level-kernel.wat compiles to (npm run build:kernel after an edit)', async () => {
		const { compileKernel } = (await import(new URL('../../../scripts/build-kernel.mjs', import.meta.url).href)) as {
			compileKernel: () => Promise<string>;
		};
		const committed = await import('node:fs/promises').then((fs) =>
			fs.readFile(new URL('../src/signal/level-kernel.wasm.ts', import.meta.url), 'utf8'),
		);
		assert.equal(committed, await compileKernel());
	});

	it("reads ffmpeg's WAV header and hands on whole frames, wherever a chunk ends", () => {
		const header = Buffer.from(
			'52494646ffffffff57415645666d7420280000 00feff020080bb000000dc050008002000160020000300000003000000000010008000 00aa00389b71646174 61ffffffff'.replace(
				/\s/g,
				'',
			),
			'hex',
		);
		const samples = Buffer.from(stereo([{ db: -6, seconds: 0.01 }]).buffer);
		const whole = Buffer.concat([header, samples]);
		let frames = 0;
		const reader = new WavReader((s, format) => {
			assert.deepEqual(format, { channels: 2, sampleRate: 48000, bitsPerSample: 32, tag: 3 });
			frames += s.length / 2;
		});
		for (let at = 0; at < whole.length; at += 7) reader.push(whole.subarray(at, at + 7));
		assert.equal(frames, 480);
		assert.throws(() => new WavReader(() => {}).push(Buffer.from('not a wav file at all')), /not a WAV stream/);
	});
});

describe('dead-air detection', () => {
	const step = (d: SilenceDetector, db: number, at: number) => d.observe([db, db], 0.1, new Date(at));

	it('starts after `after` seconds below the threshold, dated from when it went quiet, and ends after 1 s of sound', () => {
		const d = new SilenceDetector({ threshold: -50, after: 2 });
		let t = 0;
		for (let i = 0; i < 10; i++) assert.equal(step(d, -20, (t += 100)), undefined);
		const changes = [];
		for (let i = 0; i < 25; i++) changes.push(step(d, -70, (t += 100)));
		const started = changes.find(Boolean)!;
		assert.equal(started.state, 'started');
		assert.equal(started.since.getTime(), 1000);
		assert.equal(changes.indexOf(started), 19, 'after 20 steps of 100 ms');
		assert.equal(d.silent, true);
		// A click is not a return.
		assert.equal(step(d, -10, (t += 100)), undefined);
		assert.equal(step(d, -70, (t += 100)), undefined);
		const back = [];
		for (let i = 0; i < 10; i++) back.push(step(d, -20, (t += 100)));
		const ended = back.at(-1)!;
		assert.equal(ended.state, 'ended');
		assert.equal(ended.seconds, 2.7, 'from going quiet to the sound that held');
		assert.equal(d.silent, false);
	});

	it('needs every channel quiet: one live channel is not dead air', () => {
		const d = new SilenceDetector({ threshold: -50, after: 1 });
		for (let i = 0; i < 30; i++) assert.equal(d.observe([-90, -30], 0.1, new Date(i * 100)), undefined);
	});
});
