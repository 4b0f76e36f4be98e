import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { Sink } from './sink.js';
import type { Metadata } from '../metadata/types.js';
import type { RecordingSpec } from '../profile/types.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';
import { backoffDelay } from '../util/backoff.js';
import { fileWriterFor, type FileWriter } from './files/index.js';
import { localTime } from '../util/local-time.js';
import { expandRecordingPath, partPath, recordingFilePattern, untilNextBoundary } from './files/naming.js';
import { applyRetention } from './files/retention.js';
import { markOf, SidecarWriter, sidecarPaths, type TrackMark } from './files/sidecars.js';

/** Files being written by any recording of this process: never another's next name, never removed by `keep`. */
const WRITING = new Set<string>();

/** A disk that stops taking data may hold this much before the recording counts as failed. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** How long a recording waits before trying the disk again: doubling from 1 s, at most 30 s. */
const RETRY = { firstMs: 1000, capMs: 30_000 };
/** How often the file's path is checked to still name the file being written. */
const PATH_CHECK_MS = 2000;
/** A part the disk has taken for this long without a fault starts the waits short again. */
const HEALTHY_AFTER_MS = 60_000;
/**
 * How often a growing file's header gets its current length (FLAC, WAV): what a killed jdcast leaves.
 * Eight bytes each time.
 */
const LENGTH_PATCH_MS = 5000;
const FIRST_LENGTH_PATCH_MS = 2000;
/** How often old files are looked for (`keep`), besides at each new part. */
const RETENTION_MS = 10 * 60_000;
/** A part with less audio than this (a change of holder a moment after the last) is not worth a file: removed. */
const MIN_PART_SECONDS = 1;
/** Names taken by another writer between the look and the creation: tried again at once, this many times. */
const NAME_TRIES = 20;

export interface RecordingEvents {
	state: [state: RecordingState, error: string | null];
	/** The recording continues in a new part after a disk failure: what was lost, in a sentence. */
	gap: [message: string];
	/** A new file was begun: at a `split` boundary, after an encoder restart, when a file is full, or at a new holder (`follow`). */
	part: [file: string, reason: string];
	/** Files removed for `keep`. */
	removed: [files: string[]];
	/** Something the user should know, in a sentence (the name was taken, say). */
	note: [message: string];
}

/** Why a new file begins. */
type Rotation = 'split' | 'holder' | 'restart' | 'full';
const ROTATION_REASON: Record<Rotation, string> = {
	split: 'split',
	holder: 'another source on the mount',
	restart: 'the encoder restarted',
	full: 'the file reached its format’s size limit',
};

/** A name for the next part: the file, how to open it, the moment and the holder it is named for. */
interface PartName {
	file: string;
	flags: number;
	at: Date;
	label: string | null;
}

/** One file of the recording while it is written: the open descriptor is the file, whatever its path becomes. */
interface Part {
	file: string;
	handle: FileHandle;
	stream: WriteStream;
	writer: FileWriter;
	/** Bytes handed to the file. */
	bytes: number;
	marks: TrackMark[];
	openedAt: number;
	/** The moment the file is named for (a split's boundary). */
	namedAt: Date;
	/** Who `{slot}` named when it was opened. */
	label: string | null;
	/** Made here (not a file or link of the user's that was empty): only such a file is ever removed. */
	created: boolean;
	/**
	 * The writer's sample count after the first audio written: a stream heard from a server (an air
	 * check of an outside source) keeps the source's own positions, so a part's length is counted from here.
	 */
	firstSamples: number | undefined;
	timers: NodeJS.Timeout[];
}

/**
 * A local recording: the encoder's own bytes (no extra encode; one logical stream per file,
 * whatever "now playing" does), written as they come, with a CUE sheet and a JSON track list
 * beside each file. `.flac` is native FLAC and `.wav` PCM, their length in the header kept
 * current. A new file begins at each `split` boundary and after an encoder restart, complete in
 * itself (headers, length); `keep` removes the oldest. A disk that fails it (full, read-only,
 * gone, too slow) stops this recording only, which then waits (`retrying`) and tries again with
 * backoff, in a new file, and says how much was lost in between. New files are created here and
 * only here: nothing that exists at a name is written to, and no symlink is followed into one.
 */
export class RecordingSink extends EventEmitter<RecordingEvents> implements Sink {
	#state: RecordingState = 'stopped';
	/** Bytes the disk took, all files. */
	#bytes = 0;
	#lastError: string | null = null;
	/** Every file of this recording so far; the last is being written. */
	readonly #parts: string[] = [];
	#lostSeconds = 0;
	#part: Part | undefined;
	/** Units that came while the next file was being opened (a split): written first once it is. */
	#opening: [Buffer, bigint][] | undefined;
	/** A rotation asked for while a file was being opened. */
	#pending: { why: Rotation; at: Date } | undefined;
	/** A rotation or retry under way: stop() waits for it. */
	#busy: Promise<unknown> = Promise.resolve();
	#nowPlaying: Metadata;
	/** Where the units come from: the encoder's tap; for an air check, the holder's (`follow`). */
	#tap: Tap;
	/** What `{slot}` says: who holds the recorded mount (an air check), null for a profile's own recording. */
	#label: string | null = null;
	/** A feed to follow once the file being opened has what was queued for it. */
	#nextFeed: { tap: Tap; label: string | null } | undefined;
	/** The length of the last file closed, for status once the recording has stopped. */
	#lastPart = { bytes: 0, seconds: 0 };
	#lastUnitAt = 0;
	readonly #sidecars: SidecarWriter;
	#unsubscribe: (() => void) | undefined;
	#retryTimer: NodeJS.Timeout | undefined;
	#splitTimer: NodeJS.Timeout | undefined;
	#retentionTimer: NodeJS.Timeout | undefined;
	/** Faults since the disk was last healthy for a while: the backoff's attempt count. */
	#faults = 0;
	#failedAt = 0;
	/** Since when the disk took bytes: the recording's byte rate, to tell lost bytes in seconds. */
	#firstWriteAt = 0;
	/** What first stopped the disk taking this recording, for the sentence about the gap. */
	#cause = '';
	#stopped = false;

	constructor(
		readonly spec: RecordingSpec,
		private readonly profile: { name: string; baseDir: string },
		tap: Tap,
		nowPlaying: Metadata = {},
		label: string | null = null,
	) {
		super();
		this.#nowPlaying = nowPlaying;
		this.#tap = tap;
		this.#label = label;
		this.#sidecars = new SidecarWriter(spec.sidecarsWithExtension);
	}

	get state(): RecordingState {
		return this.#state;
	}

	/** The file being written (the last one, while a new one is sought). */
	get current(): string {
		return this.#part?.file ?? this.#parts.at(-1) ?? '';
	}

	async start(): Promise<void> {
		this.scheduleSplit();
		this.#retentionTimer = this.spec.keep ? setInterval(() => void this.retain(), RETENTION_MS).unref() : undefined;
		this.#unsubscribe = this.#tap.subscribeRaw((unit, before) => this.take(unit, before));
		await this.openPart(await this.freshName());
	}

	/**
	 * From now on the units come from `tap`, and `{slot}` says `label` (an air check's mount went to
	 * another source): the file being written ends at this unit boundary and a new one begins,
	 * complete in itself, named for the new holder.
	 */
	follow(tap: Tap, label: string | null): void {
		if (tap === this.#tap && label === this.#label) {
			this.#nextFeed = undefined;
			return;
		}
		// A file is being opened for the units queued from the current feed: they must all go in it, with its
		// writer. The new feed is taken once it is open.
		if (this.#opening) {
			this.#nextFeed = { tap, label };
			return;
		}
		this.#nextFeed = undefined;
		this.#unsubscribe?.();
		this.#tap = tap;
		this.#label = label;
		if (this.#stopped) return;
		this.#unsubscribe = tap.subscribeRaw((unit, before) => this.take(unit, before));
		this.rotate('holder');
	}

	/** Ends the file properly (end of stream, its length, its track list) after everything handed to it is written. */
	async stop(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#retryTimer);
		clearTimeout(this.#splitTimer);
		clearInterval(this.#retentionTimer);
		this.#unsubscribe?.();
		// A new file being opened gets what waited for it, and is then closed like any other.
		await this.#busy.catch(() => {});
		const part = this.#part;
		this.#part = undefined;
		if (part) await this.closePart(part);
		if (this.#state !== 'stopped') {
			this.#state = 'stopped';
			this.emit('state', 'stopped', null);
		}
	}

	/** "Now playing" changed: a new track in the sidecars, at the sample where it took effect. */
	async setMetadata(metadata: Metadata): Promise<void> {
		this.#nowPlaying = metadata;
		const part = this.#part;
		if (!part) return;
		// Never before the mark before it: the position adds the time since the last unit, which the next unit's
		// samples may not.
		part.marks.push(markOf(Math.max(this.position(part), part.marks.at(-1)?.start ?? 0), metadata));
		void this.#sidecars.write(part.file, part.marks);
	}

	status(): RecordingStatus {
		// Once a file is closed (stopped, or between two parts) its length stays what it was.
		const part = this.#part;
		const seconds = part ? Math.round(secondsIn(part) * 10) / 10 : this.#lastPart.seconds;
		return {
			name: this.spec.path,
			path: this.current,
			state: this.#state,
			bytes: this.#bytes,
			partBytes: part ? part.bytes : this.#lastPart.bytes,
			seconds,
			lastError: this.#lastError,
			parts: [...this.#parts],
			lostSeconds: Math.round(this.#lostSeconds * 10) / 10,
		};
	}

	/** Seconds into the file now: its samples, and the time since the last of them arrived. */
	private position(part: Part): number {
		if (part.writer.sampleRate === 0) return 0;
		const since = this.#lastUnitAt ? Math.min(0.2, (performance.now() - this.#lastUnitAt) / 1000) : 0;
		return part.writer.samples / part.writer.sampleRate + since;
	}

	/**
	 * The template's name now. A name that holds anything (a recording, a FIFO, another user's
	 * file or symlink) gets the next free part number: a file is never appended to (that would
	 * make a chain of two streams) nor written through; each is said.
	 */
	private async freshName(at = new Date()): Promise<PartName> {
		const label = this.#label;
		const base = this.expand(at);
		const own = process.getuid?.();
		for (let part = 1; ; part++) {
			const candidate = partPath(base, part);
			if (this.#parts.includes(candidate) || WRITING.has(candidate)) continue;
			const info = await lstat(candidate).catch(() => undefined);
			// Nothing there: created here, and only here (another process creating it meanwhile makes this fail, not
			// share it).
			if (!info)
				return {
					file: candidate,
					flags: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
					at,
					label,
				};
			if (info.uid !== own) {
				this.emit('note', `${candidate} belongs to another user: left alone; recording to the next name`);
				continue;
			}
			// The user's own symlink is followed (a recording sent to another disk), to an empty file or a device only.
			const target = await stat(candidate).catch(() => undefined);
			const usable =
				target && ((target.isFile() && target.size === 0) || (info.isSymbolicLink() && target.isCharacterDevice()));
			if (usable)
				return {
					file: candidate,
					flags: constants.O_WRONLY | constants.O_TRUNC | (info.isSymbolicLink() ? 0 : constants.O_NOFOLLOW),
					at,
					label,
				};
			this.emit(
				'note',
				`${candidate} ${target?.isFile() ? 'already holds a recording' : 'is not a file'}: left as it is; recording to the next name`,
			);
		}
	}

	/** Opens the next file and writes what waited for it; false (and the recording retrying) when the disk refuses. */
	/** `at`: the moment the file is named for (a split's boundary), which its tags say too. */
	private async openPart(name: PartName): Promise<boolean> {
		let handle: FileHandle | undefined;
		let { file, flags, at, label } = name;
		for (let tries = 0; !handle; tries++) {
			try {
				await mkdir(path.dirname(file), { recursive: true });
				handle = await open(file, flags, 0o644);
			} catch (error) {
				// Another writer (another profile's recording, another program) took the name since it was looked
				// at: the next free name, at once, so that no audio waits for a retry.
				if ((error as NodeJS.ErrnoException).code === 'EEXIST' && tries < NAME_TRIES) {
					this.emit('note', `${file} was created by someone else a moment ago: recording to the next name`);
					({ file, flags, at, label } = await this.freshName(at));
					continue;
				}
				this.interrupt(`cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
				return false;
			}
		}
		// Stopped while the file was being created, with nothing waiting for it: nothing was written to it. (What
		// waited for it is written, and stop() closes it.)
		if (this.#stopped && !this.#opening?.length) {
			await handle.close();
			await rm(file, { force: true });
			return false;
		}
		// The descriptor is closed by closePart, after the header is written through it: never
		// reopened by its path. (By number: a stream given the FileHandle itself holds it open.)
		const stream = createWriteStream(file, { fd: handle.fd, autoClose: false });
		const { date, hh, mm } = localTime(at);
		const writer = fileWriterFor(this.spec.format, this.#tap.container, file, this.#tap.streamState, {
			title: `${this.profile.name} ${date} ${hh}:${mm}`,
			album: this.profile.name,
			recordedAt: at,
		});
		const part: Part = {
			file,
			handle,
			stream,
			writer,
			bytes: 0,
			marks: [],
			openedAt: performance.now(),
			namedAt: at,
			label,
			created: (flags & constants.O_CREAT) !== 0,
			firstSamples: undefined,
			timers: [],
		};
		this.#part = part;
		this.#parts.push(file);
		WRITING.add(file);
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (this.#part === part) this.interrupt(`cannot write ${file}: ${error.code ?? error.message}`);
		});
		const first = setTimeout(() => {
			void this.patchLength(part);
			part.timers.push(setInterval(() => void this.patchLength(part), LENGTH_PATCH_MS).unref());
		}, FIRST_LENGTH_PATCH_MS).unref();
		part.timers.push(first, this.watchPath(part));
		if (this.#failedAt === 0) {
			this.#state = 'recording';
			this.emit('state', 'recording', null);
		}
		const waiting = this.#opening ?? [];
		this.#opening = undefined;
		for (const [unit, before] of waiting) this.take(unit, before);
		const next = this.#nextFeed;
		if (next) this.follow(next.tap, next.label);
		if (this.spec.keep) void this.retain();
		const pending = this.#pending;
		this.#pending = undefined;
		if (pending)
			setImmediate(() => {
				if (!this.#stopped && this.#part === part && this.stillDue(pending, part)) this.rotate(pending.why, pending.at);
			});
		return true;
	}

	private take(unit: Buffer, before: bigint): void {
		if (this.#opening) {
			this.#opening.push([unit, before]);
			return;
		}
		const part = this.#part;
		if (!part) return;
		if (part.stream.writableLength > MAX_PENDING_BYTES) {
			this.interrupt(`the disk is not keeping up with ${part.file}`);
			return;
		}
		let bytes: Buffer | 'new-stream';
		try {
			bytes = part.writer.write(unit, before);
		} catch (error) {
			// A stream the writer cannot read must stop this recording only, never the encoder's pipe.
			this.interrupt(
				`cannot write ${part.file}: the encoder's stream is not what its format expects (${error instanceof Error ? error.message : String(error)})`,
			);
			return;
		}
		if (bytes === 'new-stream') {
			this.rotate('restart');
			this.take(unit, before);
			return;
		}
		if (bytes.length === 0) return;
		const first = part.bytes === 0;
		part.bytes += bytes.length;
		if (part.firstSamples === undefined && part.writer.samples > 0) part.firstSamples = part.writer.samples;
		this.#lastUnitAt = performance.now();
		if (first) {
			// The file's first track: what was playing when it began.
			part.marks = [markOf(0, this.#nowPlaying)];
			void this.#sidecars.write(part.file, part.marks);
		}
		this.writeToDisk(part, bytes);
		if (part.bytes > part.writer.maxBytes) this.rotate('full');
	}

	private writeToDisk(part: Part, bytes: Buffer): void {
		part.stream.write(bytes, (error) => {
			if (error) return;
			this.#bytes += bytes.length;
			this.#firstWriteAt ||= performance.now();
			// The disk took it: a recording that was waiting is back.
			if (this.#state === 'retrying' && this.#part === part) this.resumed(part.file);
			// A disk that has held for a while starts the waits short again (a disk that keeps
			// filling up must not get a new part every second).
			if (this.#faults > 0 && performance.now() - part.openedAt > HEALTHY_AFTER_MS) this.#faults = 0;
		});
	}

	/**
	 * Ends this file and begins the next at the same unit boundary: nothing lost, nothing twice. Asked
	 * while a file is being opened, it is kept and done afterwards if still due.
	 */
	private rotate(why: Rotation, at = new Date()): void {
		const old = this.#part;
		if (!old || this.#opening) {
			this.#pending = { why, at };
			return;
		}
		this.#part = undefined;
		// Units keep coming while the old file closes and the new one opens: held, and written first.
		this.#opening = [];
		this.#busy = (async () => {
			await this.closePart(old);
			if (await this.openPart(await this.freshName(at))) this.emit('part', this.current, ROTATION_REASON[why]);
		})().catch((error: unknown) =>
			this.interrupt(`cannot begin the next file: ${error instanceof Error ? error.message : String(error)}`),
		);
	}

	/**
	 * Ends a file: its closing bytes, then its length in the header (through its descriptor), then its
	 * track list. A file that got nothing is removed.
	 */
	private async closePart(part: Part): Promise<void> {
		for (const timer of part.timers) clearTimeout(timer);
		const { stream, writer } = part;
		if (!stream.destroyed) {
			const tail = safely(() => writer.end()) ?? Buffer.alloc(0);
			if (tail.length > 0) this.writeToDisk(part, tail);
			await new Promise<void>((resolve) => stream.end(resolve));
		}
		await this.patchLength(part);
		await part.handle.close().catch(() => {});
		WRITING.delete(part.file);
		const seconds = secondsIn(part);
		if (part.created && (part.bytes === 0 || seconds < MIN_PART_SECONDS)) {
			// Nothing, or a moment between two changes: no file a person would keep, and no sidecars beside it.
			const sidecars = sidecarPaths(part.file, this.spec.sidecarsWithExtension);
			await Promise.all([part.file, sidecars.cue, sidecars.json].map((f) => rm(f, { force: true }).catch(() => {})));
			this.#parts.splice(this.#parts.lastIndexOf(part.file), 1);
			return;
		}
		// The user's own empty file (or link) that got nothing: left as it was, and no part of this recording.
		if (part.bytes === 0) {
			this.#parts.splice(this.#parts.lastIndexOf(part.file), 1);
			return;
		}
		this.#lastPart = { bytes: part.bytes, seconds: Math.round(seconds * 10) / 10 };
		await this.#sidecars.write(part.file, part.marks);
	}

	/**
	 * Writes the file's current length into its header (FLAC's STREAMINFO, WAV's RIFF sizes), through its
	 * own descriptor.
	 */
	private async patchLength(part: Part): Promise<void> {
		const patch = safely(() => part.writer.lengthPatch());
		if (!patch) return;
		await part.handle.write(patch.bytes, 0, patch.bytes.length, patch.offset).catch(() => {});
	}

	private expand(at: Date): string {
		return expandRecordingPath(this.spec.path, this.profile.name, this.profile.baseDir, at, this.#label);
	}

	/**
	 * Whether a rotation asked for while `part` was being opened still applies to it: a split boundary
	 * after the moment it is named for. (A new holder was followed before the part was named; an encoder
	 * restart or a full file are seen again by the writer.)
	 */
	private stillDue({ why, at }: { why: Rotation; at: Date }, part: Part): boolean {
		if (why === 'holder') return part.label !== this.#label;
		return why === 'split' && part.namedAt < at;
	}

	private scheduleSplit(): void {
		const seconds = this.spec.split;
		if (typeof seconds !== 'number') return;
		// A timer that fired a little early must not see the same boundary again: look from half a second on.
		const wait = untilNextBoundary(seconds, new Date(Date.now() + 500)) + 500;
		// Named after the boundary itself, even when the timer fires a millisecond early.
		const boundary = new Date(Date.now() + wait);
		this.#splitTimer = setTimeout(() => {
			this.rotate('split', boundary);
			this.scheduleSplit();
		}, wait);
		this.#splitTimer.unref();
	}

	private async retain(): Promise<void> {
		if (!this.spec.keep) return;
		const removed = await applyRetention(
			this.spec.keep,
			recordingFilePattern(this.spec.path, this.profile.name, this.profile.baseDir),
			(file) => WRITING.has(file),
			Date.now(),
			this.spec.sidecarsWithExtension,
		);
		if (removed.length > 0) this.emit('removed', removed);
	}

	private resumed(file: string): void {
		const lost = (performance.now() - this.#failedAt) / 1000;
		this.#lostSeconds += lost;
		this.#failedAt = 0;
		this.#state = 'recording';
		const gap = `recording continues in ${file} after ${lost.toFixed(1)} s lost (${this.#cause})`;
		this.#lastError = null;
		this.emit('state', 'recording', null);
		this.emit('gap', gap);
	}

	/** The disk failed this file: drop it (and what waited for it), wait, and try a new file. */
	private interrupt(message: string): void {
		if (this.#stopped) return;
		this.#opening = undefined;
		const part = this.#part;
		this.#part = undefined;
		if (part) {
			// What was handed to the file but never written is lost too (up to 64 MiB on a slow disk).
			this.#lostSeconds += this.secondsOf(part.stream.writableLength);
			part.stream.destroy();
			// The file left behind still says how long it is (eight bytes in place: no new space needed).
			void this.closePart(part).catch(() => {});
		}
		this.#lastError = message;
		this.#faults++;
		// The first wait is a full second: backoffDelay's "at once" is for networks, not disks.
		const delayMs = Math.max(RETRY.firstMs, backoffDelay(this.#faults + 1, RETRY));
		if (this.#state !== 'retrying') {
			this.#failedAt = performance.now();
			this.#cause = message;
			this.#state = 'retrying';
			this.emit('state', 'retrying', `${message}; trying again in ${(delayMs / 1000).toFixed(0)} s`);
		}
		clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => {
			if (this.#stopped) return;
			this.#busy = this.freshName()
				.then((next) => this.openPart(next))
				.catch((error: unknown) =>
					this.interrupt(`cannot begin the next file: ${error instanceof Error ? error.message : String(error)}`),
				);
		}, delayMs);
		this.#retryTimer.unref?.();
	}

	/**
	 * A file removed or replaced under jdcast (its folder deleted, say) takes data that no one will find:
	 * noticed, and a new file begun.
	 */
	private watchPath(part: Part): NodeJS.Timeout {
		return setInterval(() => {
			if (this.#part !== part) return;
			void Promise.all([stat(part.file).catch(() => undefined), part.handle.stat().catch(() => undefined)]).then(
				([named, open]) => {
					if (this.#part !== part || !open) return;
					if (!named || named.ino !== open.ino || named.dev !== open.dev)
						this.interrupt(`${part.file} was removed or replaced while recording`);
				},
			);
		}, PATH_CHECK_MS).unref();
	}

	/** Bytes of this recording as seconds of audio, at the rate the disk took it so far. */
	private secondsOf(bytes: number): number {
		const seconds = (performance.now() - this.#firstWriteAt) / 1000;
		if (!this.#firstWriteAt || seconds < 1 || this.#bytes === 0) return 0;
		return bytes / (this.#bytes / seconds);
	}
}

/**
 * Seconds of audio in a part so far. A stream heard from a server (an air check of an outside source)
 * keeps the source's own positions: counted from its first audio when that is over a second in.
 */
function secondsIn(part: Part): number {
	const rate = part.writer.sampleRate;
	if (rate === 0) return 0;
	const base = part.firstSamples !== undefined && part.firstSamples > rate ? part.firstSamples : 0;
	return (part.writer.samples - base) / rate;
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
