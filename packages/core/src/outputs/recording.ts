import { createWriteStream, fstat, type Stats, type WriteStream } from 'node:fs';
import { lstat, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';
import { backoffDelay } from '../util/backoff.js';

/** A disk that stops taking data may hold this much before the recording counts as failed. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export interface RecordingEvents {
	state: [state: RecordingState, error: string | null];
	/** The recording continues in a new part after a disk failure: what was lost, in a sentence. */
	gap: [message: string];
}

/** `{profile}` and `{date}` (YYYY-MM-DD_HHMMSS, local time) in a recording path. */
export function expandRecordingPath(template: string, profile: string, baseDir: string, now = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}_${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
	const expanded = template.replaceAll('{profile}', profile).replaceAll('{date}', date);
	return path.resolve(baseDir, expanded);
}

/** How long a recording waits before trying the disk again: doubling from 1 s, at most 30 s. */
const RETRY = { firstMs: 1000, capMs: 30_000 };
/** How often the file's path is checked to still name the file being written. */
const PATH_CHECK_MS = 2000;
/** A part the disk has taken for this long without a fault starts the waits short again. */
const HEALTHY_AFTER_MS = 60_000;

/** `show.ogg` → `show-part2.ogg`: where a recording continues after the disk failed it. */
export function partPath(file: string, part: number): string {
	if (part <= 1) return file;
	const ext = path.extname(file);
	return `${file.slice(0, file.length - ext.length)}-part${part}${ext}`;
}

/**
 * A local recording: the same bytes as the streams of its encoding, written as they come (no
 * extra encode, nothing held back). Appends, so that an encoder restart continues the same file
 * as a new Ogg chain (MP3: more frames). A disk that fails it (full, read-only, gone, too slow)
 * stops this recording only, which then waits (`retrying`) and tries again with backoff; it
 * continues in a new file, `NAME-part2.EXT` (then part3…), that starts with the stream's headers,
 * and says how much was lost in between.
 */
export class RecordingSink extends EventEmitter<RecordingEvents> {
	state: RecordingState = 'recording';
	bytes = 0;
	lastError: string | null = null;
	/** Every file of this recording so far; the last is being written. */
	readonly parts: string[] = [];
	/** Seconds of audio lost to disk failures, in all. */
	lostSeconds = 0;
	private stream: WriteStream | undefined;
	private unsubscribe: (() => void) | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private pathTimer: NodeJS.Timeout | undefined;
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
		readonly path: string,
		private readonly tap: Tap,
	) {
		super();
	}

	/** The file being written (the first part until a disk failure). */
	get current(): string {
		return this.parts.at(-1) ?? this.path;
	}

	async start(): Promise<void> {
		await this.open(this.path);
	}

	/** Closes the file after everything handed to it is written. */
	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.retryTimer);
		clearInterval(this.pathTimer);
		this.unsubscribe?.();
		const stream = this.stream;
		if (stream && !stream.destroyed) await new Promise<void>((resolve) => stream.end(resolve));
		if (this.state !== 'stopped') {
			this.state = 'stopped';
			this.emit('state', 'stopped', null);
		}
	}

	status(): RecordingStatus {
		return { path: this.current, state: this.state, bytes: this.bytes, lastError: this.lastError, parts: [...this.parts], lostSeconds: Math.round(this.lostSeconds * 10) / 10 };
	}

	private async open(file: string): Promise<void> {
		if (this.parts.at(-1) !== file) this.parts.push(file);
		try {
			await mkdir(path.dirname(file), { recursive: true });
		} catch (error) {
			this.interrupt(`cannot create the folder for ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			return;
		}
		if (this.stopped) return;
		// Another user's symlink in a shared folder must not make jdcast append to a file of its choosing.
		const link = await lstat(file).catch(() => undefined);
		if (link?.isSymbolicLink() && link.uid !== process.getuid?.()) {
			this.interrupt(`${file} is a symlink that belongs to another user: not followed`);
			return;
		}
		const stream = createWriteStream(file, { flags: 'a' });
		this.stream = stream;
		this.openedAt = performance.now();
		this.watchPath(file, stream);
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (this.stream === stream) this.interrupt(`cannot write ${file}: ${error.code ?? error.message}`);
		});
		this.unsubscribe = this.tap.subscribe((unit) => {
			if (this.stream !== stream) return;
			if (stream.writableLength > MAX_PENDING_BYTES) {
				this.interrupt(`the disk is not keeping up with ${file}`);
				return;
			}
			stream.write(unit, (error) => {
				if (error || this.stream !== stream) return;
				this.bytes += unit.length;
				this.firstWriteAt ||= performance.now();
				// The disk took it: a recording that was waiting is back.
				if (this.state === 'retrying') this.resumed(file);
				// A disk that has held for a while starts the waits short again (a disk that keeps
				// filling up must not get a new part every second).
				if (this.faults > 0 && performance.now() - this.openedAt > HEALTHY_AFTER_MS) this.faults = 0;
			});
		});
		if (this.failedAt === 0) this.emit('state', 'recording', null);
	}

	private resumed(file: string): void {
		const lost = (performance.now() - this.failedAt) / 1000;
		this.lostSeconds += lost;
		this.failedAt = 0;
		this.state = 'recording';
		const gap = `recording continues in ${file} after ${lost.toFixed(1)} s lost (${this.cause})`;
		this.lastError = null;
		this.emit('state', 'recording', null);
		this.emit('gap', gap);
	}

	/** The disk failed this file: drop it (and what waited for it), wait, and try a new part. */
	private interrupt(message: string): void {
		if (this.stopped) return;
		this.unsubscribe?.();
		this.unsubscribe = undefined;
		const stream = this.stream;
		this.stream = undefined;
		// What was handed to the file but never written is lost too (up to 64 MiB on a slow disk).
		if (stream) this.lostSeconds += this.secondsOf(stream.writableLength);
		stream?.destroy();
		this.lastError = message;
		this.faults++;
		// The first wait is a full second: backoffDelay's "at once" is for networks, not disks.
		const delayMs = Math.max(RETRY.firstMs, backoffDelay(this.faults + 1, RETRY));
		if (this.state !== 'retrying') {
			this.failedAt = performance.now();
			this.cause = message;
			this.state = 'retrying';
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
		if (!this.firstWriteAt || seconds < 1 || this.bytes === 0) return 0;
		return bytes / (this.bytes / seconds);
	}

	private async retry(): Promise<void> {
		if (this.stopped) return;
		// A part the disk took nothing of is tried again under its own name; else the next part.
		const last = this.current;
		const empty = await stat(last).then((s) => s.isFile() && s.size === 0, () => false);
		if (empty && last !== this.path) await rm(last, { force: true }).catch(() => {});
		await this.open(empty ? last : partPath(this.path, this.parts.length + 1));
	}
}
