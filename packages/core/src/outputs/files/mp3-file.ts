import { frameHeader } from '../../mp3/frame-reader.js';
import { id3Tag, type RecordingTags } from '../../mp3/id3.js';
import type { FileWriter } from './types.js';

/** An ID3v2 tag, then MP3 frames as they come; the part's length is counted from the frames' headers. */
export class Mp3FileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	samples = 0;
	sampleRate = 0;
	#tag: Buffer | undefined;

	constructor(tags?: RecordingTags) {
		this.#tag = tags ? id3Tag(tags) : undefined;
	}

	write(unit: Buffer, _granuleBefore?: bigint): Buffer {
		const tag = this.#tag;
		this.#tag = undefined;
		this.count(unit);
		return tag ? Buffer.concat([tag, unit]) : unit;
	}

	private count(unit: Buffer): void {
		for (let at = 0; at + 4 <= unit.length; ) {
			const frame = frameHeader(unit, at);
			if (!frame) break;
			this.sampleRate = frame.sampleRate;
			this.samples += frame.samples;
			at += frame.length;
		}
	}

	end(): Buffer {
		return Buffer.alloc(0);
	}

	lengthPatch(): null {
		return null;
	}
}
