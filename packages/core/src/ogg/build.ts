import { pageCrc } from './crc.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, HEADER_SIZE, type OggPage } from './page.js';

const MAX_SEGMENTS = 255;

/** One page from its parts, with its CRC. */
export function makePage(o: {
	flags: number;
	granule: bigint;
	serial: number;
	sequence: number;
	segments: number[];
	body: Buffer;
}): Buffer {
	const page = Buffer.alloc(HEADER_SIZE + o.segments.length + o.body.length);
	page.write('OggS', 0, 'latin1');
	page[4] = 0;
	page[5] = o.flags;
	page.writeBigInt64LE(o.granule, 6);
	page.writeUInt32LE(o.serial >>> 0, 14);
	page.writeUInt32LE(o.sequence >>> 0, 18);
	page[26] = o.segments.length;
	Buffer.from(o.segments).copy(page, HEADER_SIZE);
	o.body.copy(page, HEADER_SIZE + o.segments.length);
	page.writeUInt32LE(pageCrc(page), 22);
	return page;
}

/**
 * The pages that carry one packet, starting on a fresh page (what every Ogg mapping asks of its
 * header packets). Header pages have granule position 0.
 */
export function packetPages(packet: Buffer, o: { serial: number; sequence: number; bos: boolean }): Buffer[] {
	const lacing: number[] = [];
	for (let left = packet.length; ; left -= 255) {
		lacing.push(Math.min(255, left));
		if (left < 255) break;
	}
	const pages: Buffer[] = [];
	let offset = 0;
	for (let i = 0; i < lacing.length; i += MAX_SEGMENTS) {
		const segments = lacing.slice(i, i + MAX_SEGMENTS);
		const size = segments.reduce((a, b) => a + b, 0);
		const last = i + MAX_SEGMENTS >= lacing.length;
		pages.push(
			makePage({
				flags: (o.bos && i === 0 ? FLAG_BOS : 0) | (i > 0 ? FLAG_CONTINUED : 0),
				// A page on which no packet ends has granule position -1.
				granule: last ? 0n : -1n,
				serial: o.serial,
				sequence: o.sequence + pages.length,
				segments,
				body: packet.subarray(offset, offset + size),
			}),
		);
		offset += size;
	}
	return pages;
}

/** An empty page that ends a logical stream (before the next link of a chain begins). */
export function endOfStreamPage(o: { serial: number; sequence: number; granule: bigint }): Buffer {
	return makePage({
		flags: FLAG_EOS,
		granule: o.granule,
		serial: o.serial,
		sequence: o.sequence,
		segments: [],
		body: Buffer.alloc(0),
	});
}

/** The same page under another serial number, sequence number and granule position (and flags). */
export function reserialize(
	page: OggPage,
	o: { serial: number; sequence: number; granule: bigint; flags?: number },
): Buffer {
	const bytes = Buffer.from(page.bytes);
	if (o.flags !== undefined) bytes[5] = o.flags;
	bytes.writeBigInt64LE(o.granule, 6);
	bytes.writeUInt32LE(o.serial >>> 0, 14);
	bytes.writeUInt32LE(o.sequence >>> 0, 18);
	bytes.writeUInt32LE(pageCrc(bytes), 22);
	return bytes;
}

/** Collects whole packets from consecutive pages of one logical stream. */
export class PacketAssembler {
	packets: Buffer[] = [];
	private partial: Buffer[] = [];

	push(page: OggPage): void {
		let offset = HEADER_SIZE + page.segments.length;
		for (const lacing of page.segments) {
			this.partial.push(page.bytes.subarray(offset, offset + lacing));
			offset += lacing;
			if (lacing < 255) {
				this.packets.push(Buffer.concat(this.partial));
				this.partial = [];
			}
		}
	}
}
