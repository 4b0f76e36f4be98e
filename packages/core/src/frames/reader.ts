/** One frame's header, as a frame-based format (MP3, ADTS AAC) states it. */
export interface FrameHeader {
	/** Bytes in the frame, its header included. */
	length: number;
	sampleRate: number;
	/** Samples per channel the frame decodes to. */
	samples: number;
}

/** Reads the header of a frame starting at `offset`; undefined when none starts there. */
export type HeaderAt = (buffer: Buffer, offset: number) => FrameHeader | undefined;

/** The bytes a header needs before it can be read (MP3's 4, ADTS's 7). */
const LONGEST_HEADER = 7;

/**
 * Cuts a byte stream into whole frames, so that every connection starts on a frame boundary.
 * A frame is only trusted once the next one is seen where its length says, or the stream has
 * been in sync before: a sync word inside audio data is not taken for a frame.
 */
export class FrameReader {
	skippedBytes = 0;
	private pending: Buffer = Buffer.alloc(0);
	private synced = false;

	constructor(private readonly headerAt: HeaderAt) {}

	/** The whole frames completed by this chunk, as one buffer (empty when none). */
	push(chunk: Buffer): Buffer {
		const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
		const frames: Buffer[] = [];
		let offset = 0;
		while (buffer.length - offset >= LONGEST_HEADER) {
			const length = this.lengthAt(buffer, offset);
			if (
				length === 0 ||
				(!this.synced &&
					buffer.length - offset >= length + LONGEST_HEADER &&
					this.lengthAt(buffer, offset + length) === 0)
			) {
				this.synced = false;
				offset++;
				this.skippedBytes++;
				continue;
			}
			if (buffer.length - offset < length) break;
			if (!this.synced && buffer.length - offset < length + LONGEST_HEADER) break;
			this.synced = true;
			frames.push(buffer.subarray(offset, offset + length));
			offset += length;
		}
		this.pending = offset >= buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
		return frames.length === 1 ? frames[0]! : Buffer.concat(frames);
	}

	private lengthAt(buffer: Buffer, offset: number): number {
		return this.headerAt(buffer, offset)?.length ?? 0;
	}
}

/** Samples and their rate in a run of whole frames (what a recording counts). */
export function countFrames(headerAt: HeaderAt, unit: Buffer): { samples: number; sampleRate: number } {
	let samples = 0;
	let sampleRate = 0;
	for (let at = 0; at + LONGEST_HEADER <= unit.length; ) {
		const frame = headerAt(unit, at);
		if (!frame) break;
		sampleRate = frame.sampleRate;
		samples += frame.samples;
		at += frame.length;
	}
	return { samples, sampleRate };
}
