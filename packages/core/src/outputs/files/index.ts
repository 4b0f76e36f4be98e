import type { Container } from '../../formats/index.js';
import type { Format } from '../../profile/types.js';
import { FlacFileWriter } from './flac-file.js';
import { Mp3FileWriter } from './mp3-file.js';
import { OggFileWriter } from './ogg-file.js';
import type { FileWriter, StreamState } from './types.js';
import { WavFileWriter } from './wav-file.js';

export type { FileWriter, StreamState } from './types.js';

/** The writer of one part of a recording: by container; FLAC named `.flac` is native FLAC. */
export function fileWriterFor(format: Format, container: Container, file: string, stream: StreamState): FileWriter {
	if (container === 'mp3') return new Mp3FileWriter();
	if (container === 'wav') return new WavFileWriter(stream);
	return format === 'flac' && file.toLowerCase().endsWith('.flac')
		? new FlacFileWriter(stream)
		: new OggFileWriter(stream);
}
