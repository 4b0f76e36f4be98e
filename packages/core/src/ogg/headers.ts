import { FLAG_BOS, firstPacket, packetsEnding, type OggPage } from './page.js';

export type OggCodec = 'opus' | 'vorbis' | 'flac' | 'unknown';

/** The codec of a logical stream, from its first packet, and how many header packets it has. */
export function identify(packet: Buffer): { codec: OggCodec; headerPackets: number | undefined } {
	if (packet.subarray(0, 8).toString('latin1') === 'OpusHead') return { codec: 'opus', headerPackets: 2 };
	if (packet[0] === 1 && packet.subarray(1, 7).toString('latin1') === 'vorbis')
		return { codec: 'vorbis', headerPackets: 3 };
	// A FLAC mapping header is 13 bytes at least; a shorter one (from outside: a DJ's stream) is no FLAC.
	if (packet[0] === 0x7f && packet.length >= 13 && packet.subarray(1, 5).toString('latin1') === 'FLAC') {
		const more = packet.readUInt16BE(7);
		return { codec: 'flac', headerPackets: more === 0 ? undefined : 1 + more };
	}
	return { codec: 'unknown', headerPackets: undefined };
}

/** What an identification header says: codec, Opus's pre-skip, the sample rate (0 where unknown). */
export function streamFacts(packet: Buffer): { codec: OggCodec; preSkip: bigint; sampleRate: number } {
	const { codec } = identify(packet);
	if (codec === 'opus' && packet.length >= 12)
		return { codec, preSkip: BigInt(packet.readUInt16LE(10)), sampleRate: 48000 };
	if (codec === 'vorbis' && packet.length >= 16) return { codec, preSkip: 0n, sampleRate: packet.readUInt32LE(12) };
	// Ogg FLAC: 0x7F "FLAC" 1.0, header count, "fLaC", STREAMINFO block header, then its data (rate: 20 bits at
	// data byte 10).
	if (codec === 'flac' && packet.length >= 31)
		return { codec, preSkip: 0n, sampleRate: packet.readUInt32BE(27) >>> 12 };
	return { codec, preSkip: 0n, sampleRate: 0 };
}

/**
 * Keeps the header pages of the current logical stream: from its first (BOS) page until its
 * header packets are complete. Every new connection is sent these first, so that a listener or
 * file that starts mid-stream still has what its decoder needs. A new BOS (a chained stream, e.g.
 * after an encoder restart) replaces them.
 */
export class OggHeaderCache {
	pages: Buffer[] = [];
	codec: OggCodec = 'unknown';
	private remaining: number | undefined = 0;
	private collecting = false;

	/** Feeds one page; returns true while the page belongs to the headers. */
	observe(page: OggPage): boolean {
		if (page.flags & FLAG_BOS) {
			const { codec, headerPackets } = identify(firstPacket(page));
			this.codec = codec;
			this.remaining = headerPackets;
			this.pages = [];
			this.collecting = true;
		}
		if (!this.collecting) return false;
		// Without a known header count, the first page with a real granule position is audio.
		if (this.remaining === undefined && page.granule > 0n) {
			this.collecting = false;
			return false;
		}
		this.pages.push(Buffer.from(page.bytes));
		if (this.remaining !== undefined) {
			this.remaining -= packetsEnding(page);
			if (this.remaining <= 0) this.collecting = false;
		}
		return true;
	}
}
