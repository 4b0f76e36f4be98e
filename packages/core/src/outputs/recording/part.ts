import { createWriteStream, constants, type WriteStream } from 'node:fs';
import { type FileHandle, rm, stat } from 'node:fs/promises';
import type { Metadata } from '../../metadata/types.js';
import type { Tap } from '../../fanout/tap.js';
import type { Format } from '../../profile/types.js';
import { localTime } from '../../util/local-time.js';
import { type FileWriter, fileWriterFor, type Written } from '../files/index.js';
import { markOf, type SidecarWriter, sidecarPaths, type TrackMark } from '../files/sidecars.js';
import { type Clock, realClock } from '../../util/clock.js';
import type { CreatedFile } from './create-file.js';
import { claimFile, releaseFile } from './writing.js';

/** A disk that stops taking data may hold this much before the recording counts as failed. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** How often the file's path is checked to still name the file being written. */
const PATH_CHECK_MS = 2000;
/**
 * How often a growing file's header gets the length the disk holds (FLAC, WAV): what a killed jdcast
 * leaves, and every reader stops where it says. At most this much audio is past it after a SIGKILL;
 * a write of 8 (FLAC) or 44 (WAV) bytes in place each time.
 */
const LENGTH_PATCH_MS = 250;
/** A part with less audio than this (a change of holder a moment after the last) is not worth a file: removed. */
const MIN_PART_SECONDS = 1;

/** What became of one unit of the stream: see `Part.take`. */
export type Taken = 'taken' | 'full' | 'empty' | 'new-stream' | { fault: string };

/** The same for every part of a recording: its format, the profile its files are tagged for, its track lists. */
export interface PartOptions {
	format: Format;
	profile: string;
	/** The recording's track list writer (one write at a time, across its parts). */
	sidecars: SidecarWriter;
	sidecarsWithExtension?: boolean;
}

/** What a part tells the recording it belongs to. */
export interface PartEvents {
	/** The disk took `bytes` of this part's. */
	written(part: Part, bytes: number): void;
	/** This part cannot go on: a write failed, or its path no longer names it. */
	fault(part: Part, message: string): void;
}

/**
 * One file of a recording while it is written, from the moment it is open to the moment it is closed:
 * its descriptor (the file, whatever its path becomes), its writer, its length kept current in its
 * header, a watch on its path. What comes before (a name, a new file) and after (the next part) is the
 * recording's.
 */
export class Part {
	readonly file: string;
	readonly #handle: FileHandle;
	readonly #stream: WriteStream;
	/** The moment the file is named for (a split's boundary). */
	readonly namedAt: Date;
	/** Who `{slot}` named when it was opened. */
	readonly label: string | null;
	/** Made here (not a file or link of the user's that was empty): only such a file is ever removed. */
	readonly created: boolean;
	readonly openedAt: number;
	/** Bytes of the stream handed to the file. */
	#bytes = 0;
	/** Bytes handed to the file, its closing bytes too: where the next write ends. */
	#handed = 0;
	/** What the disk has taken of the file: the length its header may say. */
	#written: Written = { bytes: 0, samples: 0 };
	/** The bytes the header said at its last patch. */
	#patched = 0;
	/** The header's writes, one after the other: two in flight at one offset could land in either order. */
	#lengthWrites: Promise<void> = Promise.resolve();
	/** A write of the header waits its turn: it will say the newest length when it runs. */
	#lengthQueued = false;
	#marks: TrackMark[] = [];
	/**
	 * The writer's sample count after the first audio written: a stream heard from a server (an air
	 * check of an outside source) keeps the source's own positions, so a part's length is counted from here.
	 */
	#firstSamples: number | undefined;
	readonly #writer: FileWriter;
	readonly #timers: NodeJS.Timeout[] = [];
	readonly #sidecars: SidecarWriter;
	readonly #sidecarsWithExtension: boolean;
	#closing = false;

	constructor(
		file: CreatedFile,
		feed: Pick<Tap, 'container' | 'streamState'>,
		options: PartOptions,
		private readonly events: PartEvents,
		clock: Clock = realClock,
	) {
		this.file = file.file;
		this.#handle = file.handle;
		// Tagged for the moment the file is named for (a split's boundary) where the stream carries no tags (MP3).
		const { date, hh, mm } = localTime(file.at);
		this.#writer = fileWriterFor(options.format, feed.container, this.file, feed.streamState, {
			title: `${options.profile} ${date} ${hh}:${mm}`,
			album: options.profile,
			recordedAt: file.at,
		});
		this.namedAt = file.at;
		this.label = file.label;
		this.created = (file.flags & constants.O_CREAT) !== 0;
		this.openedAt = clock.monotonic();
		this.#sidecars = options.sidecars;
		this.#sidecarsWithExtension = options.sidecarsWithExtension ?? false;
		// The descriptor is closed by close(), after the header is written through it: never reopened by its
		// path. (By number: a stream given the FileHandle itself holds it open.)
		this.#stream = createWriteStream(this.file, { fd: this.#handle.fd, autoClose: false });
		claimFile(this.file);
		this.#stream.on('error', (error: NodeJS.ErrnoException) =>
			this.events.fault(this, `cannot write ${this.file}: ${error.code ?? error.message}`),
		);
		const patching = setInterval(() => {
			if (this.#written.bytes !== this.#patched) void this.patchLength();
		}, LENGTH_PATCH_MS).unref();
		this.#timers.push(patching, this.watchPath());
	}

	/**
	 * One unit of the encoder's stream (`before`: the stream's position just before it) into the file:
	 * 'taken' once its bytes are handed to the disk ('full': and the file is now at its format's limit),
	 * 'empty' when it gave none, 'new-stream' when a new logical stream begins (an encoder restart: it
	 * belongs in a new file, and nothing was written). The first bytes also begin the track list, with
	 * what was playing then. `fault`: this file cannot take it.
	 */
	take(unit: Buffer, before: bigint, nowPlaying: Metadata): Taken {
		if (this.#stream.writableLength > MAX_PENDING_BYTES)
			return { fault: `the disk is not keeping up with ${this.file}` };
		let bytes: Buffer | 'new-stream';
		try {
			bytes = this.#writer.write(unit, before);
		} catch (error) {
			// A stream the writer cannot read must stop this recording only, never the encoder's pipe.
			const why = error instanceof Error ? error.message : String(error);
			return { fault: `cannot write ${this.file}: the encoder's stream is not what its format expects (${why})` };
		}
		if (bytes === 'new-stream') return bytes;
		if (bytes.length === 0) return 'empty';
		const first = this.#bytes === 0;
		this.#bytes += bytes.length;
		if (this.#firstSamples === undefined && this.#writer.samples > 0) this.#firstSamples = this.#writer.samples;
		if (first) {
			this.#marks = [markOf(0, nowPlaying)];
			void this.#sidecars.write(this.file, this.#marks);
		}
		this.write(bytes);
		return this.#bytes > this.#writer.maxBytes ? 'full' : 'taken';
	}

	/**
	 * "Now playing" changed: a new track at the current position (`lastUnitAt`: when the last unit came),
	 * never before the mark before it (the position adds the time since the last unit, which the next
	 * unit's samples may not).
	 */
	mark(metadata: Metadata, lastUnitAt: number): void {
		this.#marks.push(markOf(Math.max(this.position(lastUnitAt), this.#marks.at(-1)?.start ?? 0), metadata));
		void this.#sidecars.write(this.file, this.#marks);
	}

	/** The track list beside the file (CUE, JSON), as it ends. */
	writeTracks(): Promise<void> {
		return this.#sidecars.write(this.file, this.#marks);
	}

	/** Bytes handed to the file so far. */
	get bytes(): number {
		return this.#bytes;
	}

	/** Seconds into the file now: its samples, and the time since the last of them arrived (`lastUnitAt`). */
	private position(lastUnitAt: number, now = performance.now()): number {
		if (this.#writer.sampleRate === 0) return 0;
		const since = lastUnitAt ? Math.min(0.2, (now - lastUnitAt) / 1000) : 0;
		return this.#writer.samples / this.#writer.sampleRate + since;
	}

	/**
	 * Seconds of audio in the part so far. A stream heard from a server (an air check of an outside source)
	 * keeps the source's own positions: counted from its first audio when that is over a second in.
	 */
	get seconds(): number {
		const rate = this.#writer.sampleRate;
		if (rate === 0) return 0;
		const base = this.#firstSamples !== undefined && this.#firstSamples > rate ? this.#firstSamples : 0;
		return (this.#writer.samples - base) / rate;
	}

	/** Hands bytes to the disk; `events.written` once it took them, and the header may say them from then on. */
	private write(bytes: Buffer): void {
		this.#handed += bytes.length;
		const upTo: Written = { bytes: this.#handed, samples: this.#writer.samples };
		this.#stream.write(bytes, (error) => {
			if (error) return;
			this.#written = upTo;
			this.events.written(this, bytes.length);
		});
	}

	/** The disk failed this file: what was handed to it but never written (lost too), and nothing more goes in. */
	drop(): number {
		const unwritten = this.#stream.writableLength;
		this.#stream.destroy();
		return unwritten;
	}

	/**
	 * Ends the file: its closing bytes, then its length in the header (through its descriptor). True when
	 * it is a part of the recording; false for a file that got nothing or a moment's audio (removed, if it
	 * was made here; the user's own empty file or link is left as it was).
	 */
	async close(): Promise<boolean> {
		this.#closing = true;
		for (const timer of this.#timers) clearTimeout(timer);
		const stream = this.#stream;
		const writer = this.#writer;
		if (!stream.destroyed) {
			const tail = safely(() => writer.end()) ?? Buffer.alloc(0);
			if (tail.length > 0) this.write(tail);
			await new Promise<void>((resolve) => stream.end(resolve));
		}
		await this.patchLength();
		await this.#handle.close().catch(() => {});
		releaseFile(this.file);
		if (this.created && (this.#bytes === 0 || this.seconds < MIN_PART_SECONDS)) {
			// Nothing, or a moment between two changes: no file a person would keep, and no sidecars beside it.
			const sidecars = sidecarPaths(this.file, this.#sidecarsWithExtension);
			await Promise.all([this.file, sidecars.cue, sidecars.json].map((f) => rm(f, { force: true }).catch(() => {})));
			return false;
		}
		return this.#bytes > 0;
	}

	/**
	 * Writes the length the disk holds into the file's header (FLAC's STREAMINFO, WAV's RIFF sizes), through
	 * its own descriptor: never more than is there, so a reader of a killed jdcast's file finds what it says.
	 */
	private patchLength(): Promise<void> {
		if (this.#lengthQueued) return this.#lengthWrites;
		this.#lengthQueued = true;
		this.#lengthWrites = this.#lengthWrites.then(async () => {
			this.#lengthQueued = false;
			const written = this.#written;
			// Counted as said even for a format with no length in a header (Ogg, MP3): nothing to do until more comes.
			this.#patched = written.bytes;
			const patch = safely(() => this.#writer.lengthPatch(written));
			if (!patch) return;
			await this.#handle.write(patch.bytes, 0, patch.bytes.length, patch.offset).catch(() => {});
		});
		return this.#lengthWrites;
	}

	/**
	 * A file removed or replaced under jdcast (its folder deleted, say) takes data that no one will find:
	 * noticed, and said as a fault.
	 */
	private watchPath(): NodeJS.Timeout {
		return setInterval(() => {
			if (this.#closing) return;
			void Promise.all([stat(this.file).catch(() => undefined), this.#handle.stat().catch(() => undefined)]).then(
				([named, open]) => {
					if (this.#closing || !open) return;
					if (!named || named.ino !== open.ino || named.dev !== open.dev)
						this.events.fault(this, `${this.file} was removed or replaced while recording`);
				},
			);
		}, PATH_CHECK_MS).unref();
	}
}

/**
 * What a writer says, or undefined when it cannot say it (a stream it could not read): closing a file
 * must not fail on it.
 */
function safely<T>(read: () => T): T | undefined {
	try {
		return read();
	} catch {
		return undefined;
	}
}
