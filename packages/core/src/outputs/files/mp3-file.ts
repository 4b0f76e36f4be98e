import { frameLength, RATES } from '../../mp3/frame-reader.js';
import type { FileWriter } from './types.js';

/** MP3 frames as they come; the part's length is counted from the frames' headers. */
export class Mp3FileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	samples = 0;
	sampleRate = 0;

	write(unit: Buffer, _granuleBefore?: bigint): Buffer {
		for (let at = 0; at + 4 <= unit.length; ) {
			const length = frameLength(unit, at);
			if (length === 0) break;
			const version = (unit[at + 1]! >> 3) & 3;
			this.sampleRate = RATES[version]![(unit[at + 2]! >> 2) & 3]!;
			this.samples += version === 3 ? 1152 : 576;
			at += length;
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
