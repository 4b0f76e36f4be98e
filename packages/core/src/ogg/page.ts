import { pageCrc } from './crc.js';

export const CAPTURE = Buffer.from('OggS');
export const HEADER_SIZE = 27;

export const FLAG_CONTINUED = 0x01;
export const FLAG_BOS = 0x02;
export const FLAG_EOS = 0x04;

/** One Ogg page, pointing into its bytes. */
export interface OggPage {
	bytes: Buffer;
	flags: number;
	granule: bigint;
	serial: number;
	sequence: number;
	/** Lacing values: a value below 255 ends a packet. */
	segments: Uint8Array;
}

/**
 * The page that starts at `offset`: a page, 'short' when more bytes are needed, 'bad' when it is
 * not a valid page. `verify: false` skips the CRC (for pages jdcast made itself).
 */
export function readPage(buffer: Buffer, offset: number, verify = true): OggPage | 'short' | 'bad' {
	if (buffer.length - offset < HEADER_SIZE) return 'short';
	if (buffer.compare(CAPTURE, 0, 4, offset, offset + 4) !== 0 || buffer[offset + 4] !== 0) return 'bad';
	const count = buffer[offset + 26]!;
	if (buffer.length - offset < HEADER_SIZE + count) return 'short';
	let bodySize = 0;
	for (let i = 0; i < count; i++) bodySize += buffer[offset + HEADER_SIZE + i]!;
	const size = HEADER_SIZE + count + bodySize;
	if (buffer.length - offset < size) return 'short';
	const bytes = buffer.subarray(offset, offset + size);
	if (verify && bytes.readUInt32LE(22) !== pageCrc(bytes)) return 'bad';
	return {
		bytes,
		flags: bytes[5]!,
		granule: bytes.readBigInt64LE(6),
		serial: bytes.readUInt32LE(14),
		sequence: bytes.readUInt32LE(18),
		segments: bytes.subarray(HEADER_SIZE, HEADER_SIZE + count),
	};
}

/** How many packets end on this page. */
export function packetsEnding(page: OggPage): number {
	let n = 0;
	for (const lacing of page.segments) if (lacing < 255) n++;
	return n;
}

/** The body bytes of the first packet that starts on this page (for codec identification). */
export function firstPacket(page: OggPage): Buffer {
	let size = 0;
	for (const lacing of page.segments) {
		size += lacing;
		if (lacing < 255) break;
	}
	const start = HEADER_SIZE + page.segments.length;
	return page.bytes.subarray(start, start + size);
}

/** A page jdcast built itself, as an OggPage. */
export function ownPage(bytes: Buffer): OggPage {
	const page = readPage(bytes, 0, false);
	if (typeof page === 'string') throw new Error('not an Ogg page');
	return page;
}
