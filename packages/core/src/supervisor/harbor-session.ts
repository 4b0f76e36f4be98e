import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { type Decoder, demuxerFor, rawExtension, sniffDemuxer, startDecoder } from '../harbor/decoder.js';
import { OggTitles } from '../harbor/ogg-titles.js';
import type { PcmPump } from '../harbor/pump.js';
import type { Metadata } from '../metadata/types.js';
import type { HarborSource } from '../harbor/source.js';
import type { HarborInput } from '../profile/types.js';
import type { HarborDj } from '../status/types.js';
import { localTime } from '../util/local-time.js';

/** A DJ whose connection brings nothing that decodes for this long is cut. */
export const NO_AUDIO_MS = 5000;
/** A DJ on air whose audio stops coming for this long is cut: their mounts go back to the fallback. */
export const AUDIO_STALL_MS = 3000;
/** Bytes looked at to tell the format before the decoder starts. */
const SNIFF_BYTES = 4;

/** What a session tells its desk. */
export interface SessionHooks {
	/** Something went wrong beside the audio (its `record_raw` file). */
	problem: (message: string) => void;
	/** Their decoder ended: their stream ended, cannot be decoded, or the decoder was killed. */
	decoderExit: (how: 'ended' | 'failed' | 'killed', reason: string) => void;
	/** A title in their own Ogg stream (a new link's comments). */
	title: (tags: Metadata) => void;
}

/**
 * One DJ's connection to the harbor: their bytes through a decoder of their own into the profile's
 * pump, kept as sent when `record_raw` asks, and what status says of them.
 */
export class HarborSession {
	decoder: Decoder | undefined;
	codec: string | null = null;
	onAirSince: Date | null = null;
	/** Times their audio ran out while they were on air (listeners heard a gap). */
	gaps = 0;
	readonly connectedAt: number;
	#raw: WriteStream | undefined;
	#head: Buffer[] = [];
	#titles: OggTitles | undefined;

	constructor(
		readonly source: HarborSource,
		private readonly input: HarborInput,
		private readonly profile: { name: string; baseDir: string },
		private readonly ffmpeg: string,
		private readonly pump: PcmPump,
		now: number,
		private readonly hooks: SessionHooks,
	) {
		this.connectedAt = now;
		source.body.on('data', (chunk: Buffer) => this.#take(chunk));
	}

	#take(chunk: Buffer): void {
		if (!this.decoder) {
			this.#head.push(chunk);
			const head = Buffer.concat(this.#head);
			if (head.length < SNIFF_BYTES) return;
			this.#head = [];
			this.#start(sniffDemuxer(head) ?? demuxerFor(this.source.info.contentType));
			chunk = head;
		}
		if (this.#raw && !this.#raw.destroyed) this.#raw.write(chunk);
		// Titles are read from bytes anyone with a DJ's password sends: nothing in them may stop the harbor.
		try {
			this.#titles?.push(chunk);
		} catch (error) {
			this.#titles = undefined;
			this.hooks.problem(
				`the titles in ${this.source.info.user}'s stream cannot be read (${(error as Error).message}); their audio goes on`,
			);
		}
		const input = this.decoder!.input;
		// The decoder is behind (the pump holds enough): the DJ's connection waits, and so do they.
		if (!input.write(chunk)) {
			this.source.body.pause();
			input.once('drain', () => this.source.body.resume());
		}
	}

	#start(demuxer: string | null): void {
		const decoder = startDecoder({ ffmpeg: this.ffmpeg, demuxer, rate: 48000, channels: this.input.channels });
		this.decoder = decoder;
		void decoder.codec.then((codec) => (this.codec = codec));
		void decoder.exited.then(({ how, reason }) => this.hooks.decoderExit(how, reason));
		if (demuxer === 'ogg') this.#titles = new OggTitles(this.hooks.title);
		if (this.input.recordRaw)
			this.#raw = openRaw(this.input.recordRaw, this.profile, this.source, demuxer, this.hooks.problem);
		const pcm = decoder.pcm;
		pcm.on('data', (chunk: Buffer) => {
			// Enough held back: stop reading the decoder, which stops reading the DJ, who then slows down.
			if (!this.pump.push(chunk, () => pcm.resume())) pcm.pause();
		});
	}

	/** Why this DJ should be cut now, if they should: nothing that decodes, or audio that stopped coming. */
	problem(now: number): string | undefined {
		const last = this.pump.lastAudioAt;
		// Nothing at all is the listening side's to cut (harbor/server.ts): it says so in its own words.
		if (this.source.bytes === 0) return undefined;
		if (last < this.connectedAt)
			return now - this.connectedAt >= NO_AUDIO_MS
				? `sent nothing that decodes within ${NO_AUDIO_MS / 1000} s`
				: undefined;
		if (this.source.heldBack) return undefined;
		return now - last >= AUDIO_STALL_MS ? `no audio for ${AUDIO_STALL_MS / 1000} s` : undefined;
	}

	async close(): Promise<void> {
		this.#raw?.end();
		this.decoder?.input.end();
		await this.decoder?.stop();
	}

	status(): HarborDj {
		const { info } = this.source;
		return {
			user: info.user,
			address: info.address,
			userAgent: info.userAgent,
			contentType: info.contentType,
			codec: this.codec,
			name: info.name,
			connectedAt: info.since.toISOString(),
			onAirSince: this.onAirSince?.toISOString() ?? null,
			bytes: this.source.bytes,
		};
	}
}

/** `record_raw`: the DJ's bytes as sent, in a file of their own named for them and the moment they came. */
function openRaw(
	template: string,
	profile: { name: string; baseDir: string },
	source: HarborSource,
	demuxer: string | null,
	problem: (message: string) => void,
): WriteStream | undefined {
	const { date, hh, mm, ss } = localTime(source.info.since);
	const name = template
		.replaceAll('{profile}', profile.name)
		.replaceAll('{user}', source.info.user)
		.replaceAll('{date}', `${date}_${hh}${mm}${ss}`);
	const base = path.resolve(profile.baseDir, name);
	const extension = rawExtension(demuxer);
	let file = `${base}.${extension}`;
	let fd: number | undefined;
	try {
		mkdirSync(path.dirname(file), { recursive: true });
		// Never over a file that is there already (the same DJ back within the second: -2, -3, …), nor through
		// a symlink someone put in its place.
		for (let n = 2; fd === undefined; n++) {
			try {
				fd = openSync(file, 'wx', 0o640);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 99) throw error;
				file = `${base}-${n}.${extension}`;
			}
		}
	} catch (error) {
		problem(
			`record_raw: cannot write ${file} (${(error as NodeJS.ErrnoException).code}); the DJ's own bytes are not kept`,
		);
		return undefined;
	}
	const stream = createWriteStream(file, { fd });
	stream.on('error', (error: NodeJS.ErrnoException) => {
		problem(`record_raw: ${file}: ${error.code ?? error.message}; the DJ's own bytes are no longer kept`);
		stream.destroy();
	});
	return stream;
}
