import type { Encoding } from './types.js';

/** The input's rate where a recording does not set one: JACK's usual, until the running server says. */
const ASSUMED_RATE = 48_000;
/** Bytes per sample as jdcast's encoder writes them: WAV 24-bit PCM (formats/wav.ts), FLAC 16-bit (formats/flac.ts). */
const PCM_BYTES: Partial<Record<Encoding['format'], number>> = { wav: 3, flac: 2 };

/**
 * About how large one part of `seconds` is, and how that was told, for a sentence: a lossy format by
 * its bitrate; WAV by its PCM; FLAC by its PCM too, an upper bound (music packs to about half).
 */
export function partSize(encoding: Encoding, seconds: number): { bytes: number; said: string } {
	const { format, bitrate, channels } = encoding;
	if (bitrate !== null) {
		const bytes = (bitrate * 1000 * seconds) / 8;
		return { bytes, said: `about ${sizeText(bytes)} of ${format} at ${bitrate} kbps` };
	}
	const rate = encoding.samplerate ?? ASSUMED_RATE;
	const width = PCM_BYTES[format] ?? 2;
	const bytes = rate * channels * width * seconds;
	const bound = format === 'flac' ? 'up to' : 'about';
	return {
		bytes,
		said: `${bound} ${sizeText(bytes)} of ${format} at ${rate} Hz, ${channels} channel${channels === 1 ? '' : 's'}, ${width * 8} bit`,
	};
}

/** 1036800000 → "1.04 GB": three figures, decimal units as `keep` takes them. */
function sizeText(bytes: number): string {
	const [unit, size] =
		bytes >= 1e12 ? ['TB', 1e12] : bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
	return `${Number((bytes / (size as number)).toPrecision(3))} ${unit}`;
}
