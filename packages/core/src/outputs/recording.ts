import { constants, createWriteStream, fstat, type Stats, type WriteStream } from 'node:fs';
import { lstat, mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { Metadata } from '../metadata/types.js';
import type { RecordingSpec } from '../profile/types.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';
import { backoffDelay } from '../util/backoff.js';
import { fileWriterFor, type FileWriter } from './files/index.js';
import { expandRecordingPath, partPath, recordingFilePattern, untilNextBoundary } from './files/naming.js';
import { applyRetention } from './files/retention.js';
import { markOf, SidecarWriter, type TrackMark } from './files/sidecars.js';

export { expandRecordingPath, partPath } from './files/naming.js';

/** Files being written by any recording of this process: never another's next name, never removed by `keep`. */
export const WRITING = new Set<string>();

/** A disk that stops taking data may hold this much before the recording counts as failed. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** How long a recording waits before trying the disk again: doubling from 1 s, at most 30 s. */
const RETRY = { firstMs: 1000, capMs: 30_000 };
/** How often the file's path is checked to still name the file being written. */
const PATH_CHECK_MS = 2000;
/** A part the disk has taken for this long without a fault starts the waits short again. */
const HEALTHY_AFTER_MS = 60_000;
/** How often a growing file's header gets its current length (FLAC, WAV): what a killed jdcast leaves. Eight bytes each time. */
const LENGTH_PATCH_MS = 5000;
const FIRST_LENGTH_PATCH_MS = 2000;
/** How often old files are looked for (`keep`), besides at each new part. */
const RETENTION_MS = 10 * 60_000;

export interface RecordingEvents {
	state: [state: RecordingState, error: string | null];
	/** The recording continues in a new part after a disk failure: what was lost, in a sentence. */
	gap: [message: string];
	/** A new file was begun: at a `split` boundary, after an encoder restart, or when a file is full. */
	part: [file: string, reason: string];
	/** Files removed for `keep`. */
	removed: [files: string[]];
	/** Something the user should know, in a sentence (the name was taken, say). */
	note: [message: string];
}

/** Why a new file begins. */
type Rotation = 'split' | 'slot' | 'restart' | 'full';
const ROTATION_REASON: Record<Rotation, string> = { split: 'split', slot: 'a new slot of the schedule', restart: 'the encoder restarted', full: 'the file reached its format’s size limit' };

/**
 * A local recording: the encoder's own bytes (no extra encode; one logical stream per file,
 * whatever "now playing" does), written as they come, with a CUE sheet and a JSON track list
 * beside each file. `.flac` is native FLAC and `.wav` PCM, their length in the header kept
 * current. A new file begins at each `split` boundary and after an encoder restart, complete in
 * itself (headers, length); `keep` removes the oldest. A disk that fails it (full, read-only,
 * gone, too slow) stops this recording only, which then waits (`retrying`) and tries again with
 * backoff, in a new part (`NAME-part2.EXT`, …), and says how much was lost in between.
 */
export class RecordingSink extends EventEmitter<RecordingEvents> {
	#state: RecordingState = 'recording';
	#bytes = 0;
	#lastError: string | null = null;
	/** Every file of this recording so far; the last is being written. */
	readonly #parts: string[] = [];
	#lostSeconds = 0;
	private stream: WriteStream | undefined;
	private writer: FileWriter | undefined;
	private partBytes = 0;
	private marks: TrackMark[] = [];
	private nowPlaying: Metadata;
	/** The schedule's profile on air, for `{slot}`. */
	private slot: string | null = null;
	private lastUnitAt = 0;
	private readonly sidecars: SidecarWriter;
	private unsubscribe: (() => void) | undefined;
	/** Units that came while the next file was being opened (a split): written first once it is. */
	private opening: Buffer[] | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private pathTimer: NodeJS.Timeout | undefined;
	private splitTimer: NodeJS.Timeout | undefined;
	private patchTimer: NodeJS.Timeout | undefined;
	private retentionTimer: NodeJS.Timeout | undefined;
	/** Faults since the disk was last healthy for a while: the backoff's attempt count. */
	private faults = 0;
	private openedAt = 0;
	private failedAt = 0;
	/** Bytes the disk took, and since when: the recording's byte rate, to tell lost bytes in seconds. */
	private firstWriteAt = 0;
	/** What first stopped the disk taking this recording, for the sentence about the gap. */
	private cause = '';
	private stopped = false;

	constructor(
		readonly spec: RecordingSpec,
		private readonly profile: { name: string; baseDir: string },
		private readonly tap: Tap,
		nowPlaying: Metadata = {},
		slot: string | null = null,
	) {
		super();
		this.nowPlaying = nowPlaying;
		this.slot = slot;
		this.sidecars = new SidecarWriter(spec.sidecarsWithExtension);
	}

	get state(): RecordingState {
		return this.#state;
	}

	/** The file being written. */
	get current(): string {
		return this.#parts.at(-1) ?? '';
	}

	async start(): Promise<void> {
		this.scheduleSplit();
		this.retentionTimer = this.spec.keep ? setInterval(() => void this.retain(), RETENTION_MS).unref() : undefined;
		this.unsubscribe = this.tap.subscribeRaw((unit) => this.take(unit));
		await this.open(await this.freshName());
	}

	/** Ends the file properly (end of stream, its length) after everything handed to it is written. */
	async stop(): Promise<void> {
		this.stopped = true;
		for (const timer of [this.retryTimer, this.splitTimer]) clearTimeout(timer);
		for (const timer of [this.pathTimer, this.patchTimer, this.retentionTimer]) clearInterval(timer);
		this.unsubscribe?.();
		await this.closePart();
		if (this.#state !== 'stopped') {
			this.#state = 'stopped';
			this.emit('state', 'stopped', null);
		}
	}

	/** A slot of the schedule began (`profile` on air, null: nobody): `split: slot` begins a new file. */
	newSlot(profile: string | null): void {
		if (profile === this.slot) return;
		this.slot = profile;
		if (this.spec.split === 'slot') this.rotate('slot');
	}

	/** "Now playing" changed: a new track in the sidecars, at the sample where it took effect. */
	mark(metadata: Metadata): void {
		this.nowPlaying = metadata;
		if (!this.writer) return;
		// Never before the mark before it: the position adds the time since the last unit, which the next unit's samples may not.
		this.marks.push(markOf(Math.max(this.position(), this.marks.at(-1)?.start ?? 0), metadata));
		void this.sidecars.write(this.current, this.marks);
	}

	status(): RecordingStatus {
		const seconds = this.writer && this.writer.sampleRate > 0 ? Math.round((this.writer.samples / this.writer.sampleRate) * 10) / 10 : 0;
		return {
			name: this.spec.path,
			path: this.current,
			state: this.#state,
			bytes: this.#bytes,
			partBytes: this.partBytes,
			seconds,
			lastError: this.#lastError,
			parts: [...this.#parts],
			lostSeconds: Math.round(this.#lostSeconds * 10) / 10,
		};
	}

	/** Seconds into the current file now: its samples, and the time since the last of them arrived. */
	private position(): number {
		const writer = this.writer;
		if (!writer || writer.sampleRate === 0) return 0;
		const since = this.lastUnitAt ? Math.min(0.2, (performance.now() - this.lastUnitAt) / 1000) : 0;
		return writer.samples / writer.sampleRate + since;
	}

	/**
	 * The template's name now. A name that already holds a recording gets the next free part
	 * number (a file is never appended to: that would make a chain of two streams), and another
	 * user's symlink is never followed; either is said.
	 */
	private async freshName(at = new Date()): Promise<{ file: string; flags: number }> {
		const base = this.expand(at);
		const own = process.getuid?.();
		for (let part = 1; ; part++) {
			const candidate = partPath(base, part);
			if (this.#parts.includes(candidate) || WRITING.has(candidate)) continue;
			const info = await lstat(candidate).catch(() => undefined);
			// Nothing there: created here, and only here (another process creating it meanwhile makes this fail, not share it).
			if (!info) return { file: candidate, flags: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW };
			if (info.uid !== own) {
				this.emit('note', `${candidate} belongs to another user: left alone; recording to the next name`);
				continue;
			}
			// The user's own symlink is followed (a recording sent to another disk), to an empty file or a device only.
			const target = await stat(candidate).catch(() => undefined);
			const usable = target && ((target.isFile() && target.size === 0) || (info.isSymbolicLink() && target.isCharacterDevice()));
			if (usable) return { file: candidate, flags: constants.O_WRONLY | constants.O_TRUNC | (info.isSymbolicLink() ? 0 : constants.O_NOFOLLOW) };
			this.emit('note', `${candidate} ${target?.isFile() ? 'already holds a recording' : 'is not a file'}: left as it is; recording to the next name`);
		}
	}

	private async open({ file, flags }: { file: string; flags: number }): Promise<void> {
		if (this.#parts.at(-1) !== file) this.#parts.push(file);
		try {
			await mkdir(path.dirname(file), { recursive: true });
		} catch (error) {
			this.interrupt(`cannot create the folder for ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			return;
		}
		if (this.stopped) return;
		let handle;
		try {
			handle = await open(file, flags, 0o644);
		} catch (error) {
			this.opening = undefined;
			this.interrupt(`cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			return;
		}
		if (this.stopped) {
			await handle.close();
			return;
		}
		const stream = createWriteStream(file, { fd: handle });
		WRITING.add(file);
		stream.once('close', () => WRITING.delete(file));
		const writer = fileWriterFor(this.tap.container, file, this.tap.streamState);
		this.stream = stream;
		this.writer = writer;
		this.partBytes = 0;
		this.marks = [];
		this.openedAt = performance.now();
		this.watchPath(file, stream);
		clearInterval(this.patchTimer);
		this.patchTimer = setTimeout(() => {
			void this.patchLength(file, writer);
			this.patchTimer = setInterval(() => this.stream === stream && void this.patchLength(file, writer), LENGTH_PATCH_MS).unref();
		}, FIRST_LENGTH_PATCH_MS).unref();
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (this.stream === stream) this.interrupt(`cannot write ${file}: ${error.code ?? error.message}`);
		});
		if (this.failedAt === 0) this.emit('state', 'recording', null);
		const waiting = this.opening ?? [];
		this.opening = undefined;
		for (const unit of waiting) this.take(unit);
		if (this.spec.keep) void this.retain();
	}

	private take(unit: Buffer): void {
		if (this.opening) {
			this.opening.push(unit);
			return;
		}
		const stream = this.stream;
		const writer = this.writer;
		if (!stream || !writer) return;
		if (stream.writableLength > MAX_PENDING_BYTES) {
			this.interrupt(`the disk is not keeping up with ${this.current}`);
			return;
		}
		const bytes = writer.write(unit);
		if (bytes === 'new-stream') {
			this.rotate('restart');
			this.take(unit);
			return;
		}
		if (bytes.length === 0) return;
		const first = this.partBytes === 0;
		this.partBytes += bytes.length;
		this.lastUnitAt = performance.now();
		if (first) {
			// The file's first track: what was playing when it began.
			this.marks = [markOf(0, this.nowPlaying)];
			void this.sidecars.write(this.current, this.marks);
		}
		const file = this.current;
		stream.write(bytes, (error) => {
			if (error || this.stream !== stream) return;
			this.#bytes += bytes.length;
			this.firstWriteAt ||= performance.now();
			// The disk took it: a recording that was waiting is back.
			if (this.#state === 'retrying') this.resumed(file);
			// A disk that has held for a while starts the waits short again (a disk that keeps
			// filling up must not get a new part every second).
			if (this.faults > 0 && performance.now() - this.openedAt > HEALTHY_AFTER_MS) this.faults = 0;
		});
		if (this.partBytes > writer.maxBytes) this.rotate('full');
	}

	/** Ends this file and begins the next at the same unit boundary: nothing lost, nothing twice. */
	private rotate(why: Rotation, at = new Date()): void {
		if (this.stopped || !this.stream) return;
		void this.closePart();
		// Units keep coming while the name is found and the folder checked: held, and written first.
		this.opening = [];
		void this.freshName(at)
			.then((next) => this.open(next))
			.then(() => this.emit('part', this.current, ROTATION_REASON[why]));
	}

	/** Ends the current file: its closing bytes, then its length in the header and its sidecars. */
	private async closePart(): Promise<void> {
		// Everything about this file is taken now: the next one begins before this one is closed.
		const stream = this.stream;
		const writer = this.writer;
		const file = this.current;
		const marks = this.marks;
		const hasAudio = this.partBytes > 0;
		this.stream = undefined;
		this.writer = undefined;
		clearInterval(this.pathTimer);
		clearInterval(this.patchTimer);
		if (!stream || !writer) return;
		const tail = writer.end();
		if (tail.length > 0 && !stream.destroyed) {
			stream.write(tail);
			this.#bytes += tail.length;
		}
		if (!stream.destroyed) await new Promise<void>((resolve) => stream.end(resolve));
		await this.patchLength(file, writer);
		if (hasAudio || marks.length > 0) await this.sidecars.write(file, marks);
	}

	/** Writes the file's current length into its header (FLAC's STREAMINFO, WAV's RIFF sizes). */
	private async patchLength(file: string, writer: FileWriter): Promise<void> {
		const patch = writer.lengthPatch();
		if (!patch) return;
		const handle = await open(file, 'r+').catch(() => undefined);
		if (!handle) return;
		await handle.write(patch.bytes, 0, patch.bytes.length, patch.offset).catch(() => {});
		await handle.close().catch(() => {});
	}

	private expand(at: Date): string {
		return expandRecordingPath(this.spec.path, this.profile.name, this.profile.baseDir, at, this.slot);
	}

	private scheduleSplit(): void {
		const seconds = this.spec.split;
		if (typeof seconds !== 'number') return;
		// A timer that fired a little early must not see the same boundary again: look from half a second on.
		const wait = untilNextBoundary(seconds, new Date(Date.now() + 500)) + 500;
		// Named after the boundary itself, even when the timer fires a millisecond early.
		const boundary = new Date(Date.now() + wait);
		this.splitTimer = setTimeout(() => {
			this.rotate('split', boundary);
			this.scheduleSplit();
		}, wait);
		this.splitTimer.unref();
	}

	private async retain(): Promise<void> {
		if (!this.spec.keep) return;
		const removed = await applyRetention(this.spec.keep, recordingFilePattern(this.spec.path, this.profile.name, this.profile.baseDir), (file) => WRITING.has(file) || file === this.current, Date.now(), this.spec.sidecarsWithExtension);
		if (removed.length > 0) this.emit('removed', removed);
	}

	private resumed(file: string): void {
		const lost = (performance.now() - this.failedAt) / 1000;
		this.#lostSeconds += lost;
		this.failedAt = 0;
		this.#state = 'recording';
		const gap = `recording continues in ${file} after ${lost.toFixed(1)} s lost (${this.cause})`;
		this.#lastError = null;
		this.emit('state', 'recording', null);
		this.emit('gap', gap);
	}

	/** The disk failed this file: drop it (and what waited for it), wait, and try a new part. */
	private interrupt(message: string): void {
		if (this.stopped) return;
		this.opening = undefined;
		const stream = this.stream;
		const writer = this.writer;
		this.stream = undefined;
		this.writer = undefined;
		// The file left behind says how long it is (eight bytes in place: no new space needed).
		if (writer) void this.patchLength(this.current, writer);
		// What was handed to the file but never written is lost too (up to 64 MiB on a slow disk).
		if (stream) this.#lostSeconds += this.secondsOf(stream.writableLength);
		stream?.destroy();
		this.#lastError = message;
		this.faults++;
		// The first wait is a full second: backoffDelay's "at once" is for networks, not disks.
		const delayMs = Math.max(RETRY.firstMs, backoffDelay(this.faults + 1, RETRY));
		if (this.#state !== 'retrying') {
			this.failedAt = performance.now();
			this.cause = message;
			this.#state = 'retrying';
			this.emit('state', 'retrying', `${message}; trying again in ${(delayMs / 1000).toFixed(0)} s`);
		}
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			void this.retry();
		}, delayMs);
		this.retryTimer.unref?.();
	}

	/** A file removed or replaced under jdcast (its folder deleted, say) takes data that no one will find: noticed, and a new part begun. */
	private watchPath(file: string, stream: WriteStream): void {
		clearInterval(this.pathTimer);
		this.pathTimer = setInterval(() => {
			// fs.WriteStream has its descriptor once open; @types/node does not declare it.
			const fd = (stream as WriteStream & { fd?: number | null }).fd;
			if (this.stream !== stream || typeof fd !== 'number') return;
			void Promise.all([stat(file).catch(() => undefined), new Promise<Stats | undefined>((resolve) => fstat(fd, (error, info) => resolve(error ? undefined : info)))]).then(([named, open]) => {
				if (this.stream !== stream || !open) return;
				if (!named || named.ino !== open.ino || named.dev !== open.dev) this.interrupt(`${file} was removed or replaced while recording`);
			});
		}, PATH_CHECK_MS);
		this.pathTimer.unref();
	}

	/** Bytes of this recording as seconds of audio, at the rate the disk took it so far. */
	private secondsOf(bytes: number): number {
		const seconds = (performance.now() - this.firstWriteAt) / 1000;
		if (!this.firstWriteAt || seconds < 1 || this.#bytes === 0) return 0;
		return bytes / (this.#bytes / seconds);
	}

	private async retry(): Promise<void> {
		if (this.stopped) return;
		// A part the disk took nothing of is tried again under its own name; else a fresh one (never one that holds anything).
		const last = this.current;
		const empty = await lstat(last).then((s) => s.isFile() && s.size === 0 && s.uid === process.getuid?.(), () => false);
		if (empty) {
			this.#parts.pop();
			await rm(last, { force: true }).catch(() => {});
		}
		await this.open(await this.freshName());
	}
}
