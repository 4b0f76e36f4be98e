import type { Container } from '../plan/codecs.js';
import { Mp3FrameReader } from '../mp3/frame-reader.js';
import { OggHeaderCache } from '../ogg/headers.js';
import type { Tags } from '../ogg/comments.js';
import { OggPageReader } from '../ogg/page-reader.js';
import { OggRetagger } from '../ogg/retag.js';
import { FLAG_BOS, FLAG_EOS } from '../ogg/page.js';

export type Subscriber = (unit: Buffer) => void;

/**
 * One encoder's output, cut at unit boundaries (Ogg pages, MP3 frames) and handed to every
 * subscriber as it comes: a page is forwarded the moment it is complete, which is what keeps
 * JACK-to-listener latency at a page's duration. A subscriber that joins later first gets the
 * stream's header pages, then continues at the next boundary, so it decodes cleanly.
 */
export class Tap {
	readonly container: Container;
	bytesIn = 0;
	private readonly subscribers = new Set<Subscriber>();
	/**
	 * Ogg subscribers that joined since the last page: they get the header pages together with
	 * the next page, not at once, because that page may begin a new link of the chain (tags
	 * changed) — and a link of headers only, ended at once, makes some decoders fail.
	 */
	private readonly joining = new Set<Subscriber>();
	private ogg?: { reader: OggPageReader; headers: OggHeaderCache; retagger: OggRetagger };
	private mp3?: Mp3FrameReader;

	constructor(container: Container) {
		this.container = container;
		if (container === 'ogg') this.ogg = { reader: new OggPageReader(), headers: new OggHeaderCache(), retagger: new OggRetagger() };
		else this.mp3 = new Mp3FrameReader();
	}

	push(chunk: Buffer): void {
		this.bytesIn += chunk.length;
		if (this.ogg) {
			for (const input of this.ogg.reader.push(chunk)) {
				for (const page of this.ogg.retagger.process(input)) {
					// A new link: those joining start with its headers, which follow.
					if (page.flags & FLAG_BOS) this.joining.clear();
					else if (!(page.flags & FLAG_EOS)) this.welcome();
					this.ogg.headers.observe(page);
					// The end of the old link only goes to those who heard it.
					this.deliver(page.bytes, (page.flags & FLAG_EOS) !== 0);
				}
			}
		} else {
			const frames = this.mp3!.push(chunk);
			if (frames.length > 0) this.deliver(frames);
		}
	}

	/**
	 * A new encoder process starts writing: drop the half unit the old one left. The header cache
	 * stays until the new stream's first page replaces it.
	 */
	restart(): void {
		if (this.ogg) {
			// End the old stream properly, so that the new one is a clean link of the chain.
			for (const page of this.ogg.retagger.end()) this.deliver(page.bytes);
			this.ogg = { ...this.ogg, reader: new OggPageReader() };
		} else {
			this.mp3 = new Mp3FrameReader();
		}
	}

	/**
	 * New "now playing" tags, in band (Ogg only): from the next page on, listeners and recordings
	 * get a new link of the Ogg chain carrying them. Returns false for MP3 (see the admin API).
	 */
	setTags(tags: Tags): boolean {
		if (!this.ogg) return false;
		this.ogg.retagger.setTags(tags);
		return true;
	}

	/** Subscribes: from the next unit on, Ogg header pages first. Returns the unsubscribe function. */
	subscribe(subscriber: Subscriber): () => void {
		if (this.ogg) this.joining.add(subscriber);
		this.subscribers.add(subscriber);
		return () => {
			this.subscribers.delete(subscriber);
			this.joining.delete(subscriber);
		};
	}

	get headerPages(): readonly Buffer[] {
		return this.ogg?.headers.pages ?? [];
	}

	private welcome(): void {
		for (const subscriber of this.joining) for (const page of this.headerPages) subscriber(page);
		this.joining.clear();
	}

	private deliver(unit: Buffer, exceptJoining = false): void {
		for (const subscriber of this.subscribers) if (!exceptJoining || !this.joining.has(subscriber)) subscriber(unit);
	}
}
