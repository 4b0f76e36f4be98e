import type { Container } from '../formats/index.js';
import { AdtsFrameReader } from '../aac/adts.js';
import type { FrameReader } from '../frames/reader.js';
import { Mp3FrameReader } from '../mp3/frame-reader.js';
import { OggHeaderCache } from '../ogg/headers.js';
import type { Metadata } from '../metadata/types.js';
import { OggPageReader } from '../ogg/page-reader.js';
import { OggRetagger } from '../ogg/retag.js';
import { FLAG_BOS, FLAG_EOS } from '../ogg/page.js';
import type { StreamState } from '../outputs/files/types.js';
import { WavFrames } from '../signal/wav-reader.js';

export type Subscriber = (unit: Buffer) => void;
/** A recording's view: the encoder's own unit, and the Ogg position its stream had just before it. */
export type RawSubscriber = (unit: Buffer, granuleBefore: bigint) => void;

/**
 * One encoder's output, cut at unit boundaries (Ogg pages, MP3 frames, whole PCM frames) and
 * handed to every subscriber as it comes: a page is forwarded the moment it is complete, which is
 * what keeps JACK-to-listener latency at a page's duration. A subscriber that joins later first
 * gets the stream's header pages, then continues at the next boundary, so it decodes cleanly.
 * Listeners get the stream with "now playing" in band (new links of the Ogg chain); recordings
 * subscribe to the encoder's own units (`subscribeRaw`), one logical stream whatever the titles.
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
	private readonly rawSubscribers = new Set<RawSubscriber>();
	private ogg?: {
		reader: OggPageReader;
		headers: OggHeaderCache;
		retagger: OggRetagger;
		rawHeaders: OggHeaderCache;
		lastGranule: bigint;
	};
	/** MP3 or ADTS (AAC) frames. */
	private frames?: FrameReader;
	private wav?: WavFrames;

	constructor(container: Container) {
		this.container = container;
		if (container === 'ogg')
			this.ogg = {
				reader: new OggPageReader(),
				headers: new OggHeaderCache(),
				retagger: new OggRetagger(),
				rawHeaders: new OggHeaderCache(),
				lastGranule: 0n,
			};
		else if (container !== 'wav') this.frames = frameReader(container);
		else this.wav = new WavFrames();
	}

	push(chunk: Buffer): void {
		this.bytesIn += chunk.length;
		if (this.wav) return this.pushPcm(chunk);
		if (this.ogg) {
			for (const input of this.ogg.reader.push(chunk)) {
				this.ogg.rawHeaders.observe(input);
				if (input.flags & FLAG_BOS) this.ogg.lastGranule = 0n;
				for (const subscriber of this.rawSubscribers) subscriber(input.bytes, this.ogg.lastGranule);
				if (input.granule >= 0n) this.ogg.lastGranule = input.granule;
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
			const frames = this.frames!.push(chunk);
			if (frames.length === 0) return;
			this.deliver(frames);
			for (const subscriber of this.rawSubscribers) subscriber(frames, 0n);
		}
	}

	/** WAV: the header read once per encoder process, then whole PCM frames to the recordings. */
	private pushPcm(chunk: Buffer): void {
		let frames: Buffer;
		try {
			frames = this.wav!.push(chunk);
		} catch {
			// Not a WAV stream: nothing for the recordings from this encoder process (never a broken pipe).
			return;
		}
		if (frames.length > 0) for (const subscriber of this.rawSubscribers) subscriber(frames, 0n);
	}

	/**
	 * What a recording needs to open a part mid-stream: the encoder's own header pages, the last position,
	 * the PCM format.
	 */
	get streamState(): StreamState {
		// Read when needed, not now: a part opened before the encoder's first bytes learns them later.
		const ogg = () => this.ogg;
		const wav = () => this.wav;
		return {
			get headerPages() {
				return ogg()?.rawHeaders.pages ?? [];
			},
			get pcm() {
				const format = wav()?.format;
				return format
					? { channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample }
					: undefined;
			},
		};
	}

	/** Subscribes to the encoder's own units (before any retagging): what recordings are made of. */
	subscribeRaw(subscriber: RawSubscriber): () => void {
		this.rawSubscribers.add(subscriber);
		return () => this.rawSubscribers.delete(subscriber);
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
		} else if (this.frames) {
			this.frames = frameReader(this.container);
		} else if (this.wav) {
			// The new process writes its own header; the recordings continue with its frames.
			this.wav = new WavFrames();
		}
	}

	/**
	 * New "now playing" tags, in band (Ogg only): from the next page on, listeners and recordings
	 * get a new link of the Ogg chain carrying them. Returns false for MP3 (see the admin API).
	 */
	setTags(tags: Metadata): boolean {
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

const frameReader = (container: Container): FrameReader =>
	container === 'adts' ? new AdtsFrameReader() : new Mp3FrameReader();
