import { commonArgs, oggArgs, type FormatSpec } from './types.js';

/**
 * FLAC as 16-bit: the listener-facing norm, and half the bytes of ffmpeg's 32-bit default from
 * float. Always Ogg FLAC on the wire (Icecast caches Ogg headers for late joiners; native FLAC's
 * are sent once); a recording named `.flac` is remuxed to native FLAC (outputs/flac-file.ts).
 */
export const flac: FormatSpec = {
	name: 'flac',
	title: 'FLAC',
	container: 'ogg',
	contentType: 'audio/ogg',
	defaultBitrate: null,
	maxChannels: { count: 8, advice: 'flac carries at most 8 channels' },
	fixedSamplerate: null,
	recording: { extensions: ['.flac', '.ogg', '.oga'], kind: 'a FLAC or Ogg file' },
	ffmpegArgs: (e, pageMs) => ['-c:a', 'flac', '-sample_fmt', 's16', ...commonArgs(e), ...oggArgs(pageMs)],
};
