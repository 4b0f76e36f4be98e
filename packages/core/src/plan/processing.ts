import type { Processing } from '../profile/types.js';

/** The compressor's steepest ratio (ffmpeg's limit): above its threshold, 20 dB more input is 1 dB more output. */
const RATIO = 20;
/**
 * The level detector's attack and release, the same up and down: an unbiased mean square (ffmpeg's
 * time constant is a quarter of it, 100 ms; settled in about the 400 ms of EBU R128's momentary
 * loudness). Measured with pink noise and a sine stepping 27 dB every 10 s: both settle at the target
 * within ±0.7 LU; a faster attack than release read noise 1.4 dB louder than a sine of the same loudness.
 */
const DETECTOR_MS = 400;
/** Oversampling before the limiter, so that it holds true peaks, not only samples (measured: 1.8 dB over without). */
const OVERSAMPLED_HZ = 192_000;
/** The rate processed audio leaves at: every encoding without its own `samplerate` runs at it. */
export const PROCESSED_HZ = 48_000;
/** The limiter's look-ahead, which is all the latency processing adds. */
export const LIMITER_LOOKAHEAD_MS = 5;
/** Headroom below the asked true peak for what a lossy encoder's rounding adds back (measured on Opus and MP3). */
const CODEC_MARGIN_DB = 1;

const linear = (db: number) => 10 ** (db / 20);
/** The lowest threshold ffmpeg's compressor takes: -60 dB. */
const LOWEST_THRESHOLD_DB = -60;

/**
 * The compressor's threshold that leaves the target loudness unchanged, dB (see processingFilter).
 * Its key is the power sum of the K-weighted channels, as R128 sums them: the key's RMS in dB is the
 * loudness plus R128's 0.691 dB offset, whatever the channels carry (measured: the same loudness out
 * for L = R, independent channels and a voice on one channel only, within 0.2 LU).
 */
function thresholdDb(p: Pick<Processing, 'loudness' | 'maxGain'>): number {
	return p.loudness + 0.691 - (p.maxGain * RATIO) / (RATIO - 1);
}

/**
 * The most `max_gain` a target loudness allows (the compressor's threshold would fall under its
 * -60 dB floor beyond it): what validate says when a profile asks for more.
 */
export function largestMaxGain(loudness: number): number {
	return Math.floor(((thresholdDb({ loudness, maxGain: 0 }) - LOWEST_THRESHOLD_DB) * (RATIO - 1)) / RATIO);
}
const fixed = (x: number) => x.toPrecision(6);

/**
 * Loudness control as one ffmpeg filter chain (a mono or multi-channel input, `[in]` to `[out]`):
 * an automatic gain control without look-ahead, then a true-peak limiter.
 *
 * The gain control is a feed-forward compressor keyed by a K-weighted copy of the signal (EBU
 * R128's weighting: a 38 Hz high-pass and a +4 dB shelf from 1681 Hz): with a makeup gain of
 * `maxGain` and the threshold set so that the target loudness comes out unchanged, a quiet input
 * gets up to `maxGain`, a loud one is brought down towards the target, and a 27 dB step in the input
 * moves the output by about 1.4 dB. It needs no look-ahead, unlike ffmpeg's `loudnorm` (3 s) or
 * `dynaudnorm` (its window): the programme is not delayed for it.
 */
export function processingFilter(p: Processing, channels: number, input: string, output: string): string {
	const keyed = [
		`sidechaincompress=threshold=${fixed(linear(Math.max(thresholdDb(p), LOWEST_THRESHOLD_DB)))}`,
		`ratio=${RATIO}`,
		`attack=${DETECTOR_MS}`,
		`release=${DETECTOR_MS}`,
		`makeup=${fixed(linear(p.maxGain))}`,
		'knee=1',
		'detection=rms',
		'link=average',
	].join(':');
	const limiter = [
		`alimiter=limit=${fixed(Math.max(linear(p.truePeak - CODEC_MARGIN_DB), 0.0625))}`,
		`attack=${LIMITER_LOOKAHEAD_MS}`,
		'release=50',
		// Its default "auto level" would lift everything back to 0 dBFS.
		'level=false',
	].join(':');
	// The key's sum of squares (a mono signal): the channels' powers added, as R128 adds them.
	const squares = Array.from({ length: channels }, (_, i) => `val(${i})*val(${i})`).join('+');
	const key = [
		// In doubles: the shelf's gain would clip an integer input's copy (ffmpeg warns at each block).
		'aformat=sample_fmts=dbl',
		'highpass=f=38:t=q:w=0.5',
		'highshelf=f=1681:t=q:w=0.707:g=4',
		...(channels > 1 ? [`aeval='sqrt(${squares})':c=mono`] : []),
	].join(',');
	return [
		`[${input}]asplit=2[jdpa][jdpb]`,
		`[jdpb]${key}[jdpk]`,
		// Every channel out as it came in: an encoder of fewer channels after the split must not make
		// ffmpeg negotiate the whole programme down to its count (measured: 8 channels became 2).
		`[jdpa][jdpk]${keyed},aresample=${OVERSAMPLED_HZ},${limiter},aresample=${PROCESSED_HZ},aformat=channel_layouts=${channels}c[${output}]`,
	].join(';');
}
