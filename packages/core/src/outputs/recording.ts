import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';

/** A disk that stops taking data may hold this much before the recording counts as failed. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export interface RecordingEvents {
	state: [state: RecordingState, error: string | null];
}

/** `{profile}` and `{date}` (YYYY-MM-DD_HHMMSS, local time) in a recording path. */
export function expandRecordingPath(template: string, profile: string, baseDir: string, now = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}_${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
	const expanded = template.replaceAll('{profile}', profile).replaceAll('{date}', date);
	return path.resolve(baseDir, expanded);
}

/**
 * A local recording: the same bytes as the streams of its encoding, written as they come (no
 * extra encode, nothing held back). Appends, so that an encoder restart continues the same file
 * as a new Ogg chain (MP3: more frames). A failing disk fails this recording only.
 */
export class RecordingSink extends EventEmitter<RecordingEvents> {
	state: RecordingState = 'recording';
	bytes = 0;
	lastError: string | null = null;
	private stream: WriteStream | undefined;
	private unsubscribe: (() => void) | undefined;

	constructor(
		readonly path: string,
		private readonly tap: Tap,
	) {
		super();
	}

	async start(): Promise<void> {
		try {
			await mkdir(path.dirname(this.path), { recursive: true });
		} catch (error) {
			this.fail(`cannot create the folder for ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			return;
		}
		const stream = createWriteStream(this.path, { flags: 'a' });
		this.stream = stream;
		stream.on('error', (error: NodeJS.ErrnoException) => this.fail(`cannot write ${this.path}: ${error.code ?? error.message}`));
		this.unsubscribe = this.tap.subscribe((unit) => {
			if (this.state !== 'recording') return;
			if (stream.writableLength > MAX_PENDING_BYTES) {
				this.fail(`the disk is not keeping up with ${this.path}`);
				return;
			}
			stream.write(unit);
			this.bytes += unit.length;
		});
		this.emit('state', 'recording', null);
	}

	/** Closes the file after everything handed to it is written. */
	async stop(): Promise<void> {
		this.unsubscribe?.();
		const stream = this.stream;
		if (stream && !stream.destroyed) await new Promise<void>((resolve) => stream.end(resolve));
		if (this.state === 'recording') {
			this.state = 'stopped';
			this.emit('state', 'stopped', null);
		}
	}

	status(): RecordingStatus {
		return { path: this.path, state: this.state, bytes: this.bytes, lastError: this.lastError };
	}

	private fail(message: string): void {
		if (this.state === 'failed') return;
		this.unsubscribe?.();
		this.stream?.destroy();
		this.state = 'failed';
		this.lastError = message;
		this.emit('state', 'failed', message);
	}
}
