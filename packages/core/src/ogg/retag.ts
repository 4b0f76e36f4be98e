import { randomInt } from 'node:crypto';
import { endOfStreamPage, PacketAssembler, packetPages, reserialize } from './build.js';
import type { Metadata } from '../metadata/types.js';
import { isCommentPacket, retagCommentPacket } from './comments.js';
import { identify, streamFacts, type OggCodec } from './headers.js';
import { FLAG_BOS, FLAG_EOS, firstPacket, ownPage, type OggPage } from './page.js';

/** How the pages of ffmpeg's stream are renumbered into the link of the chain being sent. */
interface Link {
	serial: number;
	sequence: number;
	/** Original granule position at the start of this link; subtracted from every later one. */
	base: bigint;
	/** Added back: an Opus link that starts mid-stream must count its pre-skip again. */
	offset: bigint;
}

/**
 * "Now playing" for Ogg streams, in band: on a change, the next page of ffmpeg's on which a
 * packet ends is the last of the current logical stream (sent with the EOS flag) and a new link
 * of the chain begins after it — ffmpeg's identification header, a new comment header with the
 * tags, the setup header (Vorbis) or other metadata blocks (FLAC) — and the following audio pages
 * are re-serialised into it: new serial number, page sequence numbers from its start, granule
 * positions rebased, CRC recomputed. Listeners' decoders see a chained stream with the new tags;
 * ffmpeg, the JACK client and the byte flow never notice.
 *
 * Why the EOS flag goes on an audio page and not on an empty page of its own: Icecast 2.4
 * rebuilds a Vorbis-only stream packet by packet (~0.5 s pages) and keeps only an EOS carried by
 * a packet. An empty EOS page carries none: Icecast sent no EOS, dropped the packets it still
 * held when the new BOS page came, and VLC then failed on the serial number change (issue #27).
 * Marking the next page instead of holding one back costs no audio latency; the title changes
 * at most one page (`pageMs`) later.
 */
export class OggRetagger {
	private codec: OggCodec = 'unknown';
	private serial = 0;
	private headerCount: number | undefined;
	private assembler: PacketAssembler | undefined;
	private headers: Buffer[] | undefined;
	private preSkip = 0n;
	private link: Link | undefined;
	private tags: Metadata | undefined;
	private pending = false;
	private lastGranule = 0n;
	private lastSequence = -1;

	/** Tags for the next link: it begins after the next page on which a packet ends. */
	setTags(tags: Metadata): void {
		this.tags = tags;
		this.pending = true;
	}

	/** The pages to send for one page of ffmpeg's stream (none, while its headers are replaced). */
	process(page: OggPage): OggPage[] {
		if (page.flags & FLAG_BOS) this.begin(page);
		if (this.assembler) return this.collectHeaders(page);
		// A link may only end where a packet ends: the next one must start with a whole packet.
		const last = this.pending && this.headers !== undefined && endsPacket(page) && !(page.flags & FLAG_EOS);
		const out = [this.forward(page, last ? page.flags | FLAG_EOS : page.flags)];
		if (page.granule >= 0n) this.lastGranule = page.granule;
		if (last) out.push(...this.startLink(page.granule));
		return out;
	}

	/** One audio page into the link being sent (ffmpeg's own stream as it is, until the first change). */
	private forward(page: OggPage, flags: number): OggPage {
		const link = this.link;
		if (link) {
			const granule = page.granule < 0n ? page.granule : page.granule - link.base + link.offset;
			return ownPage(reserialize(page, { serial: link.serial, sequence: link.sequence++, granule, flags }));
		}
		this.lastSequence = page.sequence;
		if (flags === page.flags) return page;
		return ownPage(reserialize(page, { serial: page.serial, sequence: page.sequence, granule: page.granule, flags }));
	}

	/**
	 * An empty EOS page that ends the stream being sent (none before the first audio page): when
	 * ffmpeg stops or the stream moves, with no page left to mark.
	 */
	end(): OggPage[] {
		if (this.headers === undefined) return [];
		const link = this.link;
		const granule = link ? this.lastGranule - link.base + link.offset : this.lastGranule;
		const page = link
			? endOfStreamPage({ serial: link.serial, sequence: link.sequence++, granule })
			: endOfStreamPage({ serial: this.serial, sequence: ++this.lastSequence, granule });
		return [ownPage(page)];
	}

	private begin(page: OggPage): void {
		const { codec, headerPackets } = identify(firstPacket(page));
		this.codec = codec;
		this.serial = page.serial;
		this.headerCount = headerPackets;
		this.assembler = headerPackets === undefined ? undefined : new PacketAssembler();
		this.headers = undefined;
		this.link = undefined;
		this.lastGranule = 0n;
		this.lastSequence = page.sequence - 1;
		this.preSkip = streamFacts(firstPacket(page)).preSkip;
	}

	/** ffmpeg's header pages pass through as they are, unless tags are set: then ours replace them. */
	private collectHeaders(page: OggPage): OggPage[] {
		const assembler = this.assembler!;
		assembler.push(page);
		this.lastSequence = page.sequence;
		const retag = this.tags !== undefined && this.canRetag();
		if (assembler.packets.length < this.headerCount!) return retag ? [] : [page];
		this.headers = assembler.packets.slice(0, this.headerCount);
		this.assembler = undefined;
		if (!retag) return [page];
		this.pending = false;
		return this.startLink(0n);
	}

	private canRetag(): boolean {
		return this.codec === 'opus' || this.codec === 'vorbis' || this.codec === 'flac';
	}

	private startLink(base: bigint): OggPage[] {
		this.pending = false;
		const headers = this.headers;
		if (!headers || !this.tags || !this.canRetag()) return [];
		const commentAt = headers.findIndex((p, i) => i > 0 && isCommentPacket(this.codec, p));
		if (commentAt < 0) return [];
		const packets = headers.map((p, i) => (i === commentAt ? retagCommentPacket(this.codec, p, this.tags!) : p));
		let serial = randomInt(1, 0xffffffff);
		while (serial === this.serial || serial === this.link?.serial) serial = randomInt(1, 0xffffffff);
		const pages: Buffer[] = [];
		for (const [i, packet] of packets.entries())
			pages.push(...packetPages(packet, { serial, sequence: pages.length, bos: i === 0 }));
		// At the very start of ffmpeg's stream granules already count the pre-skip; mid-stream they must again.
		this.link = { serial, sequence: pages.length, base, offset: base === 0n ? 0n : this.preSkip };
		return pages.map(ownPage);
	}
}

/** Does a packet end on this page, with none continuing onto the next? */
function endsPacket(page: OggPage): boolean {
	const lacing = page.segments.at(-1);
	return lacing !== undefined && lacing < 255;
}
