const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by MPEG version (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and rate index. */
const RATES: Record<number, number[]> = {
	3: [44100, 48000, 32000],
	2: [22050, 24000, 16000],
	0: [11025, 12000, 8000],
};

export interface Mp3FrameHeader {
	/** Bytes in the frame, its header included. */
	length: number;
	sampleRate: number;
	/** Samples per channel the frame decodes to. */
	samples: number;
}

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

/** The length of the MPEG layer III frame whose header starts at `offset`, or 0 when none does. */
function frameLength(buffer: Buffer, offset: number): number {
	return frameHeader(buffer, offset)?.length ?? 0;
}

/**
 * Cuts a byte stream into whole MP3 frames, so that every connection starts on a frame boundary.
 * A frame is only trusted once the next one is seen where its length says, or the stream has
 * been in sync before.
 */
export class Mp3FrameReader {
	skippedBytes = 0;
	private pending: Buffer = Buffer.alloc(0);
	private synced = false;

	/** The whole frames completed by this chunk, as one buffer (empty when none). */
	push(chunk: Buffer): Buffer {
		const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
		const frames: Buffer[] = [];
		let offset = 0;
		while (buffer.length - offset >= 4) {
			const length = frameLength(buffer, offset);
			if (
				length === 0 ||
				(!this.synced && buffer.length - offset >= length + 4 && frameLength(buffer, offset + length) === 0)
			) {
				this.synced = false;
				offset++;
				this.skippedBytes++;
				continue;
			}
			if (buffer.length - offset < length) break;
			if (!this.synced && buffer.length - offset < length + 4) break;
			this.synced = true;
			frames.push(buffer.subarray(offset, offset + length));
			offset += length;
		}
		this.pending = offset >= buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
		return frames.length === 1 ? frames[0]! : Buffer.concat(frames);
	}
}
