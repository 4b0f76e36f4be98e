import type { Socket } from 'node:net';
import { PassThrough, type Transform } from 'node:stream';
import { withoutControlCharacters } from '../util/text.js';
import { Dechunker } from './chunked.js';
import type { RequestHead } from './request.js';

/** What a DJ's software says of itself and of what it sends, from its request headers. */
export interface SourceInfo {
	/** The user name the DJ gave (`source` for the shared password). */
	user: string;
	/** The DJ's address as this machine sees it. */
	address: string;
	/** Their software's `User-Agent` (BUTT, Mixxx, Lavf, Liquidsoap); null when it sends none. */
	userAgent: string | null;
	/** What they say they send (`audio/mpeg`, `audio/ogg`, …); null when they do not say. */
	contentType: string | null;
	/** `ice-name` / `icy-name`: the name their software gives the stream. */
	name: string | null;
	/** When the connection was accepted. */
	since: Date;
}

/**
 * One DJ's accepted connection: who they are, their audio bytes as sent (dechunked), how many came,
 * and `end` to cut them with a reason. Ends once, whoever ends it.
 */
export class HarborSource {
	readonly info: SourceInfo;
	readonly body: Transform;
	/** Bytes of the body so far. */
	bytes = 0;
	/** Monotonic time of the last body byte; the time it was accepted before the first. */
	lastByteAt: number;
	/** Why it ended; null while it runs. */
	endedFor: string | null = null;
	readonly #socket: Socket;
	readonly #onEnd = new Set<(reason: string) => void>();

	constructor(
		socket: Socket,
		head: RequestHead,
		user: string,
		address: string,
		rest: Buffer,
		private readonly now: () => number,
	) {
		this.#socket = socket;
		this.lastByteAt = now();
		const header = (name: string) => {
			const value = head.headers.get(name);
			return value ? withoutControlCharacters(value).slice(0, 200) : null;
		};
		this.info = {
			user,
			address,
			userAgent: header('user-agent'),
			contentType: header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null,
			name: header('ice-name') ?? header('icy-name'),
			since: new Date(),
		};
		const chunked = /chunked/i.test(head.headers.get('transfer-encoding') ?? '');
		const body = chunked ? new Dechunker() : new PassThrough();
		body.on('error', (error: Error) => this.end(`its body is not valid: ${error.message}`));
		socket.on('data', (chunk: Buffer) => this.#counted(chunk));
		socket.pipe(body);
		if (rest.length > 0) {
			this.#counted(rest);
			body.write(rest);
		}
		socket.on('close', () => this.end('disconnected'));
		socket.on('error', () => this.end('disconnected'));
		this.body = body;
	}

	/** Whether the DJ's bytes are held back because what reads them is full (not a stall of theirs). */
	get heldBack(): boolean {
		return this.#socket.isPaused() || this.#socket.readableFlowing === false;
	}

	/** Calls `run` once, when this source ends (at once if it has). */
	onEnd(run: (reason: string) => void): void {
		if (this.endedFor !== null) run(this.endedFor);
		else this.#onEnd.add(run);
	}

	/** Cuts the DJ: their connection closes, and whoever listens hears `reason`. */
	end(reason: string): void {
		if (this.endedFor !== null) return;
		this.endedFor = reason;
		this.#socket.destroy();
		this.body.end();
		for (const run of this.#onEnd) run(reason);
		this.#onEnd.clear();
	}

	#counted(chunk: Buffer): void {
		this.bytes += chunk.length;
		this.lastByteAt = this.now();
	}
}
