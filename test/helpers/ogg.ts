import { readFileSync } from 'node:fs';

/** One link of an Ogg chain as a listener's file holds it: its serial and its tags. */
export interface ChainLink {
	serial: number;
	codec: string;
	tags: Record<string, string>;
	/** Did this link end with an EOS page before the next began? */
	ended: boolean;
}

/**
 * Walks the Ogg pages of a captured file (written here, independently of jdcast's own reader)
 * and lists the chain: each logical stream with the tags of its comment header.
 */
export function oggChain(file: string): ChainLink[] {
	const data = readFileSync(file);
	const links: ChainLink[] = [];
	const packets = new Map<number, { list: Buffer[]; partial: Buffer[] }>();
	let offset = data.indexOf('OggS');
	while (offset >= 0 && offset + 27 <= data.length) {
		const flags = data[offset + 5]!;
		const serial = data.readUInt32LE(offset + 14);
		const count = data[offset + 26]!;
		const lacing = data.subarray(offset + 27, offset + 27 + count);
		const size = 27 + count + lacing.reduce((a, b) => a + b, 0);
		if (offset + size > data.length) break;
		if (flags & 2) {
			packets.set(serial, { list: [], partial: [] });
			links.push({ serial, codec: 'unknown', tags: {}, ended: false });
		}
		const link = links.findLast((l) => l.serial === serial);
		if (link && flags & 4) link.ended = true;
		const state = packets.get(serial);
		if (state && state.list.length < 3) {
			let at = offset + 27 + count;
			for (const l of lacing) {
				state.partial.push(data.subarray(at, at + l));
				at += l;
				if (l < 255) {
					state.list.push(Buffer.concat(state.partial));
					state.partial = [];
				}
			}
			if (link) describe(link, state.list);
		}
		offset += size;
		if (data.toString('latin1', offset, offset + 4) !== 'OggS') offset = data.indexOf('OggS', offset);
	}
	return links;
}

function describe(link: ChainLink, packets: Buffer[]): void {
	const head = packets[0];
	if (!head) return;
	if (head.toString('latin1', 0, 8) === 'OpusHead') link.codec = 'opus';
	else if (head.toString('latin1', 1, 7) === 'vorbis') link.codec = 'vorbis';
	else if (head.toString('latin1', 1, 5) === 'FLAC') link.codec = 'flac';
	const comment = packets.find(
		(p, i) =>
			i > 0 &&
			(p.toString('latin1', 0, 8) === 'OpusTags' ||
				(p[0] === 3 && p.toString('latin1', 1, 7) === 'vorbis') ||
				(link.codec === 'flac' && (p[0]! & 0x7f) === 4)),
	);
	if (!comment) return;
	const start = link.codec === 'opus' ? 8 : link.codec === 'vorbis' ? 7 : 4;
	let at = start;
	const vendorLength = comment.readUInt32LE(at);
	at += 4 + vendorLength;
	const n = comment.readUInt32LE(at);
	at += 4;
	const tags: Record<string, string> = {};
	for (let i = 0; i < n; i++) {
		const length = comment.readUInt32LE(at);
		const text = comment.toString('utf8', at + 4, at + 4 + length);
		at += 4 + length;
		const eq = text.indexOf('=');
		tags[text.slice(0, eq).toUpperCase()] = text.slice(eq + 1);
	}
	link.tags = tags;
}

/**
 * Seconds of audio in the Ogg pages a listener has received, from their granule positions, link by
 * link: the stream's own clock. Fed the bytes as they come; a page cut between two chunks waits
 * for the rest.
 */
export class OggSeconds {
	#buffer: Buffer = Buffer.alloc(0);
	#links: { serial: number; rate: number; first?: number; last?: number }[] = [];

	feed(chunk: Buffer): void {
		this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
		let at = 0;
		for (;;) {
			const found = this.#buffer.indexOf('OggS', at);
			// Nothing more to read: keep what may be the start of a capture pattern cut by the chunk.
			if (found < 0) at = Math.max(at, this.#buffer.length - 3);
			if (found < 0 || this.#buffer.length - found < 27) break;
			at = found;
			const count = this.#buffer[at + 26]!;
			if (this.#buffer.length - at < 27 + count) break;
			const lacing = this.#buffer.subarray(at + 27, at + 27 + count);
			const size = 27 + count + lacing.reduce((a, b) => a + b, 0);
			if (this.#buffer.length - at < size) break;
			this.#page(this.#buffer.subarray(at, at + size), 27 + count);
			at += size;
		}
		this.#buffer = Buffer.from(this.#buffer.subarray(at));
	}

	/** Links begun (BOS pages seen): a listener that joined counts the one it joined as the first. */
	get links(): number {
		return this.#links.length;
	}

	get seconds(): number {
		return this.#links.reduce((sum, l) => sum + ((l.last ?? 0) - (l.first ?? 0)) / l.rate, 0);
	}

	#page(page: Buffer, bodyAt: number): void {
		const serial = page.readUInt32LE(14);
		if (page[5]! & 2) this.#links.push({ serial, rate: rateOf(page.subarray(bodyAt)) });
		const link = this.#links.findLast((l) => l.serial === serial);
		const granule = Number(page.readBigInt64LE(6));
		// -1: no packet ends on this page; 0: a header page.
		if (!link || granule <= 0) return;
		link.first ??= granule;
		link.last = granule;
	}
}

/** The sample rate a link's granule positions count in, from its first header packet (Opus: always 48 kHz). */
function rateOf(head: Buffer): number {
	if (head.toString('latin1', 1, 7) === 'vorbis') return head.readUInt32LE(12);
	// Ogg FLAC: 0x7F "FLAC", version, header count, "fLaC", a block header, then STREAMINFO.
	if (head.toString('latin1', 1, 5) === 'FLAC') return (head[27]! << 12) | (head[28]! << 4) | (head[29]! >> 4);
	return 48_000;
}
