import type { Encoding, Format } from '../profile/types.js';

export type Container = 'ogg' | 'mp3';

export const CONTAINER: Record<Format, Container> = { opus: 'ogg', vorbis: 'ogg', flac: 'ogg', mp3: 'mp3' };

/** What Icecast is told in Content-Type. FLAC always travels as Ogg FLAC (see docs/architecture.md). */
export const CONTENT_TYPE: Record<Container, string> = { ogg: 'audio/ogg', mp3: 'audio/mpeg' };

/**
 * ffmpeg output options for one encoding, written to one pipe.
 *
 * Live settings, and why:
 * - Ogg pages of at most 20 ms (`-page_duration 20000`) with `-flush_packets 1`: ffmpeg's default
 *   fills ~1 s pages, and a listener cannot hear a page before it is complete (measured: 1.92 s
 *   JACK-to-ear by default, 0.033 s with one 20 ms Opus frame a page). The cost is ~28 bytes of
 *   page header per frame.
 * - Opus in 20 ms frames, `application audio` (music, not voice-tuned).
 * - FLAC as 16-bit: the listener-facing norm, and half the bytes of ffmpeg's 32-bit default from float.
 * - MP3 without ID3 or Xing headers: a live stream has neither a length nor a seek table.
 */
export function codecArgs(e: Encoding): string[] {
	const common = ['-ac', String(e.channels), ...(e.samplerate ? ['-ar', String(e.samplerate)] : [])];
	const bitrate = e.bitrate ? ['-b:a', `${e.bitrate}k`] : [];
	const ogg = ['-f', 'ogg', '-page_duration', '20000', '-flush_packets', '1'];
	switch (e.format) {
		case 'opus':
			return ['-c:a', 'libopus', ...bitrate, '-vbr', 'on', '-application', 'audio', '-frame_duration', '20', ...common, ...ogg];
		case 'vorbis':
			return ['-c:a', 'libvorbis', ...bitrate, ...common, ...ogg];
		case 'flac':
			return ['-c:a', 'flac', '-sample_fmt', 's16', ...common, ...ogg];
		case 'mp3':
			return ['-c:a', 'libmp3lame', ...bitrate, ...common, '-f', 'mp3', '-id3v2_version', '0', '-write_xing', '0', '-flush_packets', '1'];
	}
}

/** One encoder serves every stream and recording with the same (format, bitrate, channels, rate). */
export function encodingKey(e: Encoding): string {
	return `${e.format}/${e.bitrate ?? 'lossless'}/${e.channels}/${e.samplerate ?? 'input'}`;
}
