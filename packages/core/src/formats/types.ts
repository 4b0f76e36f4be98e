import type { Encoding, Format } from '../profile/types.js';

/** How an encoder's bytes are cut into units: Ogg pages, MP3 or ADTS (AAC) frames, or PCM in a WAV stream. */
export type Container = 'ogg' | 'mp3' | 'adts' | 'wav';

/** Everything jdcast knows about one format, in one place (one file per format, as Liquidsoap's encoders). */
export interface FormatSpec {
	name: Format;
	/** Its proper name, as people write and say it ("Opus", "MP3"). */
	title: string;
	container: Container;
	/** What Icecast is told in Content-Type; null: a format for recordings only. */
	contentType: string | null;
	/** kbps when none is given; null: lossless, a bitrate is ignored. */
	defaultBitrate: number | null;
	/** The most channels it is sent with here, and what to say beyond (after "N channels: "). */
	maxChannels: { count: number; advice: string };
	/** The only sample rate it runs at, when it has one. */
	fixedSamplerate: number | null;
	/** The file endings a recording of it is expected to have, and what such a file is called. */
	recording: { extensions: readonly string[]; kind: string };
	/** ffmpeg's output options for one encoding, written to one pipe; Ogg pages of `pageMs`. */
	ffmpegArgs(encoding: Encoding, pageMs: number): string[];
}

/** The options every encoding shares: channels and (when set) the sample rate. */
export function commonArgs(e: Encoding): string[] {
	return ['-ac', String(e.channels), ...(e.samplerate ? ['-ar', String(e.samplerate)] : [])];
}

export const bitrateArgs = (e: Encoding): string[] => (e.bitrate ? ['-b:a', `${e.bitrate}k`] : []);

/**
 * Ogg pages of at most `pageMs` (20 ms at `latency: low`, 100 ms at `normal`) with
 * `-flush_packets 1`: ffmpeg's default fills ~1 s pages, and a listener cannot hear a page before
 * it is complete (measured: 1.92 s JACK-to-ear by default, 0.033 s with one 20 ms Opus frame a
 * page). The cost is ~28 bytes of page header and a wake-up of jdcast per page.
 */
export const oggArgs = (pageMs: number): string[] => [
	'-f',
	'ogg',
	'-page_duration',
	String(pageMs * 1000),
	'-flush_packets',
	'1',
];
