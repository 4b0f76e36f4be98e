import type { Metadata } from '../metadata/types.js';
import { PacketAssembler } from '../ogg/build.js';
import { commentTags } from '../ogg/comments.js';
import { identify, type OggCodec } from '../ogg/headers.js';
import { FLAG_BOS } from '../ogg/page.js';
import { OggPageReader } from '../ogg/page-reader.js';

/** A comment header larger than this is not read (a title is a few hundred bytes; cover art is not wanted). */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * The titles in an Ogg stream a DJ sends: each new link of their chain (a BOS page) carries its own
 * comment header, where Traktor and other Ogg sources put TITLE and ARTIST. Reads only the pages up to
 * each link's comment packet; the audio itself is the decoder's.
 */
export class OggTitles {
	readonly #reader = new OggPageReader();
	/** The link being read: its serial, codec and packets so far; undefined once its comments were read. */
	#link: { serial: number; codec: OggCodec; packets: PacketAssembler; bytes: number } | undefined;

	constructor(private readonly found: (tags: Metadata) => void) {}

	push(chunk: Buffer): void {
		for (const page of this.#reader.push(chunk)) {
			if (page.flags & FLAG_BOS) {
				const packets = new PacketAssembler();
				packets.push(page);
				const first = packets.packets[0];
				this.#link = first ? { serial: page.serial, codec: identify(first).codec, packets, bytes: 0 } : undefined;
				continue;
			}
			const link = this.#link;
			if (!link || page.serial !== link.serial) continue;
			link.packets.push(page);
			link.bytes += page.bytes.length;
			const comments = link.packets.packets[1];
			if (comments) {
				this.#link = undefined;
				const tags = commentTags(link.codec, comments);
				if (tags) this.found(tags);
			} else if (link.bytes > MAX_HEADER_BYTES) this.#link = undefined;
		}
	}
}
