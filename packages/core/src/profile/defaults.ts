import type { Format, FormatName } from './types.js';

export const DEFAULT_JACK_CLIENT = 'jd_stream';
export const DEFAULT_CHANNELS = 2;
export const DEFAULT_PORT = 8000;
export const DEFAULT_USER = 'source';
export const DEFAULT_TONE_HZ = 440;
/** ffmpeg's sine has an amplitude of 1/8: -18.06 dBFS. */
export const DEFAULT_TONE_LEVEL = -18;
export const DEFAULT_SILENCE = { threshold: -50, after: 15 } as const;

export const DEFAULT_BITRATE: Record<Format, number | null> = { opus: 96, vorbis: 128, mp3: 128, flac: null };

export function canonicalFormat(format: FormatName): Format {
	return format === 'ogg' ? 'vorbis' : format;
}

/** The file endings a recording of each format is expected to have. */
export const RECORDING_EXTENSIONS: Record<Format, readonly string[]> = {
	opus: ['.opus', '.ogg', '.oga'],
	vorbis: ['.ogg', '.oga'],
	flac: ['.ogg', '.oga'],
	mp3: ['.mp3'],
};
