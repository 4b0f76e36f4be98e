import { frameHeader } from '../../mp3/frame-reader.js';
import type { FileWriter } from './types.js';

/** MP3 frames as they come; the part's length is counted from the frames' headers. */
export class Mp3FileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	samples = 0;
	sampleRate = 0;

	write(unit: Buffer, _granuleBefore?: bigint): Buffer {
		for (let at = 0; at + 4 <= unit.length; ) {
			const frame = frameHeader(unit, at);
			if (!frame) break;
			this.sampleRate = frame.sampleRate;
			this.samples += frame.samples;
			at += frame.length;
		}
		return unit;
	}

	end(): Buffer {
		return Buffer.alloc(0);
	}

	lengthPatch(): null {
		return null;
	}
}
