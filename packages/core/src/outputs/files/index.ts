import type { Container } from '../../formats/index.js';
import type { RecordingTags } from '../../mp3/id3.js';
import type { Format } from '../../profile/types.js';
import { FlacFileWriter } from './flac-file.js';
import { adtsHeader } from '../../aac/adts.js';
import { frameHeader } from '../../mp3/frame-reader.js';
import { FramesFileWriter } from './frames-file.js';
import { OggFileWriter } from './ogg-file.js';
import type { FileWriter, StreamState } from './types.js';
import { WavFileWriter } from './wav-file.js';

export type { FileWriter, StreamState, Written } from './types.js';

/**
 * The writer of one part of a recording: by container; FLAC named `.flac` is native FLAC. `tags`
 * name the part where the stream does not carry them (MP3's and AAC's ID3v2; Ogg, FLAC and WAV take what
 * the encoder wrote).
 */
export function fileWriterFor(
	format: Format,
	container: Container,
	file: string,
	stream: StreamState,
	tags?: RecordingTags,
): FileWriter {
	if (container === 'mp3') return new FramesFileWriter(frameHeader, tags);
	if (container === 'adts') return new FramesFileWriter(adtsHeader, tags);
	if (container === 'wav') return new WavFileWriter(stream);
	return format === 'flac' && file.toLowerCase().endsWith('.flac')
		? new FlacFileWriter(stream)
		: new OggFileWriter(stream);
}
