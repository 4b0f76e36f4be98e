import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';

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
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

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
	private retryMs = RETRY_FIRST_MS;
	private failedAt = 0;
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
		try {
			await mkdir(path.dirname(file), { recursive: true });
		} catch (error) {
			this.interrupt(`cannot create the folder for ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			return;
		}
		if (this.stopped) return;
		const stream = createWriteStream(file, { flags: 'a' });
		this.stream = stream;
		if (this.parts.at(-1) !== file) this.parts.push(file);
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
				// The disk took it: a recording that was waiting is back, and the waits start short again.
				if (this.state === 'retrying') this.resumed(file);
				this.retryMs = RETRY_FIRST_MS;
			});
			this.bytes += unit.length;
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

	/** The disk failed this file: drop it, wait, and try a new part. */
	private interrupt(message: string): void {
		if (this.stopped) return;
		this.unsubscribe?.();
		this.unsubscribe = undefined;
		const stream = this.stream;
		this.stream = undefined;
		stream?.destroy();
		this.lastError = message;
		if (this.state !== 'retrying') {
			this.failedAt = performance.now();
			this.cause = message;
			this.state = 'retrying';
			this.emit('state', 'retrying', `${message}; trying again in ${(this.retryMs / 1000).toFixed(0)} s`);
		}
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			void this.retry();
		}, this.retryMs);
		this.retryTimer.unref?.();
		this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
	}

	private async retry(): Promise<void> {
		if (this.stopped) return;
		// A part the disk took nothing of is tried again under its own name; else the next part.
		const last = this.current;
		const empty = await stat(last).then((s) => s.isFile() && s.size === 0, () => true);
		if (empty && last !== this.path) await rm(last, { force: true }).catch(() => {});
		const next = empty && this.parts.length > 1 ? last : partPath(this.path, this.parts.length + 1);
		await this.open(next);
	}
}
