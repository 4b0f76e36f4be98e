import { rm } from 'node:fs/promises';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { Metadata } from '../metadata/types.js';
import type { RecordingSpec } from '../profile/types.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';
import { expandRecordingPath } from './files/naming.js';
import { SidecarWriter } from './files/sidecars.js';
import { createFile, freshName, type PartName } from './recording/create-file.js';
import { DiskRetry } from './recording/disk-retry.js';
import { KeepTimer } from './recording/keep.js';
import { Part, type PartEvents, type PartOptions } from './recording/part.js';
import { type PendingRotation, ROTATION_REASON, type Rotation, SplitTimer, stillDue } from './recording/rotation.js';
import { isBeingWritten } from './recording/writing.js';
import type { Sink } from './sink.js';

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

/**
 * A local recording: the encoder's own bytes (no extra encode; one logical stream per file,
 * whatever "now playing" does), written as they come, with a CUE sheet and a JSON track list
 * beside each file. `.flac` is native FLAC and `.wav` PCM, their length in the header kept
 * current. A new file begins at each `split` boundary and after an encoder restart, complete in
 * itself (headers, length); `keep` removes the oldest of the files it created (`recording/keep.ts`).
 * A disk that fails it (full, read-only, gone, too slow) stops this recording only, which then
 * waits (`retrying`) and tries again with backoff, in a new file, and says how much was lost in
 * between. New files are created in
 * `recording/create-file.ts` and only there: nothing that exists at a name is written to, and no
 * symlink is followed into one.
 *
 * This class passes the units from part to part; one part's life is `recording/part.ts`, the split
 * timer `recording/rotation.ts`, the state and the waits for a failed disk `recording/disk-retry.ts`.
 */
export class RecordingSink extends EventEmitter<RecordingEvents> implements Sink {
	/** Every file of this recording so far; the last is being written. */
	readonly #parts: string[] = [];
	#part: Part | undefined;
	/** Units that came while the next file was being opened (a split): written first once it is. */
	#opening: [Buffer, bigint][] | undefined;
	/** A rotation asked for while a file was being opened. */
	#pending: PendingRotation | undefined;
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
	readonly #partOptions: PartOptions;
	/** The recording's state, as its disk allows it. */
	readonly #disk = new DiskRetry(this);
	readonly #split: SplitTimer;
	readonly #keep: KeepTimer;
	/** What each part tells this recording: bytes the disk took, a fault. */
	readonly #partEvents: PartEvents = {
		written: (part, bytes) => this.#disk.took(bytes, part, this.#part === part),
		fault: (part, message) => {
			if (this.#part === part) this.interrupt(message);
		},
	};
	readonly #note = (message: string) => void this.emit('note', message);
	#unsubscribe: (() => void) | undefined;
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
		const { format, sidecarsWithExtension } = spec;
		const sidecars = new SidecarWriter(sidecarsWithExtension);
		this.#partOptions = { format, profile: profile.name, sidecars, sidecarsWithExtension };
		this.#split = new SplitTimer(spec.split, (boundary) => this.rotate('split', boundary));
		this.#keep = new KeepTimer(spec, profile, (files) => this.emit('removed', files), this.#note);
	}

	get state(): RecordingState {
		return this.#disk.state;
	}

	/** The file being written (the last one, while a new one is sought). */
	get current(): string {
		return this.#part?.file ?? this.#parts.at(-1) ?? '';
	}

	async start(): Promise<void> {
		this.#split.start();
		this.#keep.start();
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
		this.#split.stop();
		this.#keep.stop();
		this.#unsubscribe?.();
		// A new file being opened gets what waited for it, and is then closed like any other.
		await this.#busy.catch(() => {});
		const part = this.#part;
		this.#part = undefined;
		if (part) await this.closePart(part);
		this.#disk.stop();
		// The index lists every file this run made, and no keep pass runs on after the recording.
		await this.#keep.idle();
	}

	/** "Now playing" changed: a new track in the sidecars, at the sample where it took effect. */
	async setMetadata(metadata: Metadata): Promise<void> {
		this.#nowPlaying = metadata;
		this.#part?.mark(metadata, this.#lastUnitAt);
	}

	status(): RecordingStatus {
		// Once a file is closed (stopped, or between two parts) its length stays what it was.
		const part = this.#part;
		const seconds = part ? Math.round(part.seconds * 10) / 10 : this.#lastPart.seconds;
		return {
			name: this.spec.path,
			path: this.current,
			state: this.#disk.state,
			bytes: this.#disk.bytes,
			partBytes: part ? part.bytes : this.#lastPart.bytes,
			seconds,
			lastError: this.#disk.lastError,
			parts: [...this.#parts],
			lostSeconds: Math.round(this.#disk.lostSeconds * 10) / 10,
		};
	}

	/** The template's name now (or for a split's boundary), past every file this process writes or wrote. */
	private freshName(at = new Date()): Promise<PartName> {
		const base = expandRecordingPath(this.spec.path, this.profile.name, this.profile.baseDir, at, this.#label);
		return freshName(
			{ base, at, label: this.#label },
			(file) => this.#parts.includes(file) || isBeingWritten(file),
			this.#note,
		);
	}

	/** Opens the next file and writes what waited for it; false (and the recording retrying) when the disk refuses. */
	private async openPart(name: PartName): Promise<boolean> {
		const made = await createFile(name, (at) => this.freshName(at), this.#note);
		if ('error' in made) {
			this.interrupt(made.error);
			return false;
		}
		const { file, handle } = made;
		// Stopped while the file was being created, with nothing waiting for it: nothing was written to it. (What
		// waited for it is written, and stop() closes it.)
		if (this.#stopped && !this.#opening?.length) {
			await handle.close();
			await rm(file, { force: true });
			return false;
		}
		const part = new Part(made, this.#tap, this.#partOptions, this.#partEvents);
		this.#part = part;
		this.#parts.push(file);
		this.#disk.opened();
		const waiting = this.#opening ?? [];
		this.#opening = undefined;
		for (const [unit, before] of waiting) this.take(unit, before);
		const next = this.#nextFeed;
		if (next) this.follow(next.tap, next.label);
		// Listed as this recording's (keep removes nothing else), then the files beyond keep removed.
		void (part.created ? this.#keep.created(file, handle) : this.#keep.apply());
		const pending = this.#pending;
		this.#pending = undefined;
		if (pending)
			setImmediate(() => {
				if (!this.#stopped && this.#part === part && stillDue(pending, part, this.#label))
					this.rotate(pending.why, pending.at);
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
		const taken = part.take(unit, before, this.#nowPlaying);
		if (typeof taken === 'object') this.interrupt(taken.fault);
		else if (taken === 'new-stream') {
			this.rotate('restart');
			this.take(unit, before);
		} else if (taken !== 'empty') {
			this.#lastUnitAt = performance.now();
			if (taken === 'full') this.rotate('full');
		}
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
		})().catch((error: unknown) => this.cannotBegin(error));
	}

	/** Ends a file (Part.close) and writes its track list; a file that is no part of the recording leaves its list. */
	private async closePart(part: Part): Promise<void> {
		if (!(await part.close())) {
			this.#parts.splice(this.#parts.lastIndexOf(part.file), 1);
			if (part.created) void this.#keep.dropped(part.file);
			return;
		}
		this.#lastPart = { bytes: part.bytes, seconds: Math.round(part.seconds * 10) / 10 };
		await part.writeTracks();
	}

	/** The disk failed this file: drop it (and what waited for it), wait, and try a new file. */
	private interrupt(message: string): void {
		if (this.#stopped) return;
		this.#opening = undefined;
		const part = this.#part;
		this.#part = undefined;
		if (part) {
			this.#disk.dropped(part.drop());
			// The file left behind still says how long it is (eight bytes in place: no new space needed).
			void this.closePart(part).catch(() => {});
		}
		this.#disk.fault(message, () => {
			if (this.#stopped) return;
			this.#busy = this.freshName()
				.then((next) => this.openPart(next))
				.catch((error: unknown) => this.cannotBegin(error));
		});
	}

	private cannotBegin(error: unknown): void {
		this.interrupt(`cannot begin the next file: ${error instanceof Error ? error.message : String(error)}`);
	}
}
