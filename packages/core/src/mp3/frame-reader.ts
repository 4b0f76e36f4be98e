import { FrameReader, type FrameHeader } from '../frames/reader.js';

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by MPEG version (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and rate index. */
const RATES: Record<number, number[]> = {
	3: [44100, 48000, 32000],
	2: [22050, 24000, 16000],
	0: [11025, 12000, 8000],
};

export type Mp3FrameHeader = FrameHeader;

/** The MPEG layer III frame header at `offset`, or undefined when none starts there. */
export function frameHeader(buffer: Buffer, offset: number): Mp3FrameHeader | undefined {
	const b1 = buffer[offset + 1]!;
	const b2 = buffer[offset + 2]!;
	if (buffer[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
	const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
	const layer = (b1 >> 1) & 3; // 1: layer III
	if (version === 1 || layer !== 1) return undefined;
	const bitrateIndex = b2 >> 4;
	const rateIndex = (b2 >> 2) & 3;
	if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
	const kbps = (version === 3 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex]!;
	const sampleRate = RATES[version]![rateIndex]!;
	const padding = (b2 >> 1) & 1;
	const mpeg1 = version === 3;
	return {
		length: Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + padding,
		sampleRate,
		samples: mpeg1 ? 1152 : 576,
	};
}

/** Cuts an MP3 byte stream into whole frames (see FrameReader). */
export class Mp3FrameReader extends FrameReader {
	constructor() {
		super(frameHeader);
	}
}
