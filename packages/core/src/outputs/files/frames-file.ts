import { countFrames, type HeaderAt } from '../../frames/reader.js';
import { id3Tag, type RecordingTags } from '../../mp3/id3.js';
import type { FileWriter } from './types.js';

/**
 * An ID3v2 tag, then frames as they come (MP3, or AAC in ADTS: players and ffmpeg read the tag
 * before either); the part's length is counted from the frames' headers.
 */
export class FramesFileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	samples = 0;
	sampleRate = 0;
	#tag: Buffer | undefined;

	constructor(
		private readonly headerAt: HeaderAt,
		tags?: RecordingTags,
	) {
		this.#tag = tags ? id3Tag(tags) : undefined;
	}

	write(unit: Buffer, _granuleBefore?: bigint): Buffer {
		const tag = this.#tag;
		this.#tag = undefined;
		this.count(unit);
		return tag ? Buffer.concat([tag, unit]) : unit;
	}

	private count(unit: Buffer): void {
		const { samples, sampleRate } = countFrames(this.headerAt, unit);
		this.samples += samples;
		if (sampleRate) this.sampleRate = sampleRate;
	}

	end(): Buffer {
		return Buffer.alloc(0);
	}

	lengthPatch(): null {
		return null;
	}
}
