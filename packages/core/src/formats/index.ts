import type { Encoding, Format, FormatName } from '../profile/types.js';
import { aac } from './aac.js';
import { flac } from './flac.js';
import { mp3 } from './mp3.js';
import { opus } from './opus.js';
import type { Container, FormatSpec } from './types.js';
import { vorbis } from './vorbis.js';
import { wav } from './wav.js';

export type { Container, FormatSpec } from './types.js';

/** Every format jdcast encodes; one in a known container is a file here plus its name in the schema. */
export const FORMATS: Record<Format, FormatSpec> = { opus, vorbis, flac, mp3, aac, wav };

export const formatSpec = (format: Format): FormatSpec => FORMATS[format];

/** A format's proper name ("Opus", "MP3"): what the status line and the voice say. */
export const formatTitle = (format: Format): string => FORMATS[format].title;

/** Whether "now playing" travels in the stream (Ogg's comment headers) rather than through Icecast's admin API. */
export const tagsInBand = (container: Container): boolean => container === 'ogg';

/** `ogg` is Vorbis and `pcm` is WAV, as most tools name them. */
export function canonicalFormat(format: FormatName): Format {
	return format === 'ogg' ? 'vorbis' : format === 'pcm' ? 'wav' : format;
}

/** One encoder serves every stream and recording with the same (format, bitrate, channels, rate). */
export function encodingKey(e: Encoding): string {
	return `${e.format}${e.profile ? `-${e.profile}` : ''}/${e.bitrate ?? 'lossless'}/${e.channels}/${e.samplerate ?? 'input'}`;
}
