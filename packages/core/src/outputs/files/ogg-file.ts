import { randomInt } from 'node:crypto';
import { endOfStreamPage, reserialize } from '../../ogg/build.js';
import { streamFacts } from '../../ogg/headers.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, firstPacket, ownPage, type OggPage } from '../../ogg/page.js';
import { NO_BYTES, type FileWriter, type StreamState } from './types.js';

/** What the identification header on an Ogg stream's first page says (nothing known without one). */
const factsOf = (headerPage: Buffer | undefined) =>
	streamFacts(headerPage ? firstPacket(ownPage(headerPage)) : Buffer.alloc(0));

/**
 * An Ogg recording of one logical stream: the encoder's own pages (never a chain link for "now
 * playing"). A part that begins mid-stream (split, after a disk failure) opens with the stream's
 * header pages under a serial of its own, and its pages' positions start from zero, so that it
 * is a whole file with its own duration; the part before it ends with an end-of-stream page.
 */
export class OggFileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	private started = false;
	private hasAudio = false;
	private ended = false;
	private link: { serial: number; sequence: number; base: bigint; offset: bigint } | undefined;
	private serial = 0;
	private sequence = 0;
	private granule = 0n;
	private facts;

	constructor(private readonly stream: StreamState) {
		this.facts = factsOf(stream.headerPages[0]);
	}

	get samples(): number {
		return Math.max(0, Number(this.granule - this.facts.preSkip));
	}

	get sampleRate(): number {
		return this.facts.sampleRate;
	}

	write(unit: Buffer, granuleBefore: bigint): Buffer | 'new-stream' {
		const page = ownPage(unit);
		if (page.flags & FLAG_BOS) {
			if (this.hasAudio) return 'new-stream';
			this.started = true;
			this.facts = factsOf(unit);
		}
		if (!this.started) return this.startMidStream(page, granuleBefore);
		if (this.ended) return NO_BYTES;
		return this.pass(page);
	}

	end(): Buffer {
		if (this.ended || !this.hasAudio) return NO_BYTES;
		this.ended = true;
		return endOfStreamPage({ serial: this.serial, sequence: this.sequence + 1, granule: this.granule });
	}

	lengthPatch(): null {
		return null;
	}

	private startMidStream(page: OggPage, granuleBefore: bigint): Buffer {
		// A page that continues a packet cannot begin a file: wait for the next packet start. Nor can a header page
		// (position 0) of a stream that began a moment ago: the headers are written from the stream's state, once.
		if (page.flags & FLAG_CONTINUED || page.granule === 0n || this.stream.headerPages.length === 0) return NO_BYTES;
		this.started = true;
		let serial = randomInt(1, 0xffffffff);
		while (serial === page.serial) serial = randomInt(1, 0xffffffff);
		const headers = this.stream.headerPages
			.map(ownPage)
			.map((header, i) => reserialize(header, { serial, sequence: i, granule: header.granule }));
		// Mid-stream the decoder skips the pre-skip again: count it in, as a new chain link does.
		this.link = { serial, sequence: headers.length, base: granuleBefore, offset: this.facts.preSkip };
		return Buffer.concat([...headers, this.pass(page)]);
	}

	private pass(page: OggPage): Buffer {
		const link = this.link;
		let bytes = page.bytes;
		if (link) {
			const granule = page.granule < 0n ? page.granule : page.granule - link.base + link.offset;
			bytes = reserialize(page, { serial: link.serial, sequence: link.sequence++, granule });
		}
		const own = link ? ownPage(bytes) : page;
		this.serial = own.serial;
		this.sequence = own.sequence;
		if (own.granule > 0n) {
			this.granule = own.granule;
			this.hasAudio = true;
		}
		if (own.flags & FLAG_EOS) this.ended = true;
		return bytes;
	}
}
