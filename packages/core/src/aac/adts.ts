import { FrameReader, type FrameHeader } from '../frames/reader.js';

/** ADTS sampling_frequency_index → Hz (ISO/IEC 14496-3); 13–15 are reserved. */
const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
/** The shortest header: without CRC. */
const HEADER_BYTES = 7;

/**
 * The ADTS frame header at `offset` (AAC in ADTS, as listeners and `.aac` files carry it), or
 * undefined when none starts there. Every ADTS frame repeats the stream's configuration, so a
 * listener can start decoding at any frame: that is why AAC goes on the air in ADTS.
 */
export function adtsHeader(buffer: Buffer, offset: number): FrameHeader | undefined {
	if (buffer.length - offset < HEADER_BYTES) return undefined;
	const b1 = buffer[offset + 1]!;
	// Sync word 0xFFF, then layer 00 (the ID bit, MPEG-2 or MPEG-4, may be either).
	if (buffer[offset] !== 0xff || (b1 & 0xf6) !== 0xf0) return undefined;
	const b2 = buffer[offset + 2]!;
	const rate = RATES[(b2 >> 2) & 0x0f];
	if (rate === undefined) return undefined;
	const length = ((buffer[offset + 3]! & 0x03) << 11) | (buffer[offset + 4]! << 3) | (buffer[offset + 5]! >> 5);
	const headerBytes = b1 & 0x01 ? HEADER_BYTES : HEADER_BYTES + 2;
	if (length <= headerBytes) return undefined;
	// Each raw data block is 1024 samples (HE-AAC's SBR doubles both rate and samples: seconds hold).
	const blocks = (buffer[offset + 6]! & 0x03) + 1;
	return { length, sampleRate: rate, samples: 1024 * blocks };
}

/** Cuts an ADTS byte stream into whole frames (see FrameReader). */
export class AdtsFrameReader extends FrameReader {
	constructor() {
		super(adtsHeader);
	}
}
