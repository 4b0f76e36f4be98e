import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter } from 'eventemitter3';
import { fromSocketError, fromStatus, IcecastError, type Where } from './errors.js';
import { unacknowledgedBytes } from './tcp-queue.js';

export interface SourceConnectionOptions extends Where {
	tls: boolean;
	/** PEM of the CA to trust instead of the system's (`tls_ca`). */
	ca?: string;
	headers: Record<string, string>;
	/** How long to wait for Icecast's answer; a server that accepts and never answers is dropped after it. */
	answerTimeoutMs: number;
	/** Bytes that may wait in the socket before the server counts as stalled. */
	maxQueuedBytes: number;
	/** Ends the attempt at once (its socket destroyed) when it is not wanted any more. */
	signal?: AbortSignal;
}

export interface SourceConnectionEvents {
	/** The connection ended; `error` says why (undefined when we closed it). */
	close: [error: IcecastError | undefined];
}

const MAX_ANSWER_BYTES = 16 * 1024;
/**
 * A server whose oldest unacknowledged byte is older than this is too slow for the stream: its
 * listeners are starving anyway, and the bytes would only pile up in the kernel. Icecast itself
 * gives a silent source 10 s; a network blip of a few seconds is ridden out.
 */
const SLOW_AFTER_MS = 5000;
const PROGRESS_KEPT_MS = 30_000;

/**
 * One live source connection to one Icecast mount: an HTTP PUT whose body is the stream itself.
 *
 * Written on a plain socket, not with node:http: Node sends a body of unknown length with
 * chunked transfer encoding, and Icecast 2.4 does not decode it: the chunk-size lines end up in
 * the listeners' audio (measured: MP3 listeners get "Header missing" errors). Here the request
 * head is sent once and then only audio bytes, as every source client does.
 *
 * `write` never blocks: what the server does not take waits in the socket up to
 * `maxQueuedBytes`; beyond that the connection is dropped as stalled, so a slow server never
 * holds up the encoder, the other targets or the recordings.
 */
export class SourceConnection extends EventEmitter<SourceConnectionEvents> {
	private closed = false;
	/** Bytes handed to the socket so far, and (time, that count) once per check. */
	private written = 0;
	private readonly progress: { at: number; written: number }[] = [];
	/** The kernel's count at the last check: a progress sample is taken once per new count. */
	private lastCount: ReadonlyMap<string, number> | undefined;

	private constructor(
		private readonly socket: net.Socket,
		private readonly options: SourceConnectionOptions,
	) {
		super();
		socket.on('error', (error: NodeJS.ErrnoException) => this.finish(fromSocketError(error, options)));
		socket.on('close', () =>
			this.finish(
				new IcecastError(
					'E_ICECAST_CLOSED',
					`${options.host}:${options.port} closed the connection for ${options.mount}`,
				),
			),
		);
		socket.on('data', () => {}); // Icecast says nothing more; keep the socket flowing.
	}

	static open(options: SourceConnectionOptions): Promise<SourceConnection> {
		return new Promise((resolve, reject) => {
			const socket = options.tls
				? tls.connect({
						host: options.host,
						port: options.port,
						servername: net.isIP(options.host) ? undefined : options.host,
						...(options.ca === undefined ? {} : { ca: options.ca }),
					})
				: net.connect({ host: options.host, port: options.port });
			let settled = false;
			let answer = Buffer.alloc(0);
			const abandon = () => settle(new IcecastError('E_ICECAST_CLOSED', 'the connection attempt was abandoned'));
			const settle = (result: IcecastError | 'live') => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				options.signal?.removeEventListener('abort', abandon);
				socket.removeAllListeners();
				if (result === 'live') {
					resolve(new SourceConnection(socket, options));
				} else {
					socket.destroy();
					reject(result);
				}
			};
			const timer = setTimeout(
				() =>
					settle(
						options.tls && !secured
							? new IcecastError(
									'E_ICECAST_TLS',
									`${options.host}:${options.port} did not complete a TLS handshake within ${options.answerTimeoutMs / 1000} s: is this its TLS port, or is tls not meant?`,
								)
							: new IcecastError(
									'E_ICECAST_TIMEOUT',
									`${options.host}:${options.port} did not answer within ${options.answerTimeoutMs / 1000} s`,
								),
					),
				options.answerTimeoutMs,
			);
			if (options.signal?.aborted) queueMicrotask(abandon);
			else options.signal?.addEventListener('abort', abandon, { once: true });
			socket.setNoDelay(true);
			let secured = false;
			socket.once(options.tls ? 'secureConnect' : 'connect', () => {
				secured = true;
				socket.write(requestHead(options));
			});
			socket.on('error', (error: NodeJS.ErrnoException) => settle(fromSocketError(error, options)));
			socket.on('data', (chunk: Buffer) => {
				answer = Buffer.concat([answer, chunk]);
				// A server that says something, but not HTTP (nor ICY): no use waiting for the timeout.
				if (answer.length >= 5 && !/^(HTTP\/|ICY )/.test(answer.toString('latin1', 0, 5))) {
					return settle(
						new IcecastError(
							'E_ICECAST_HTTP',
							`${options.host}:${options.port} did not answer as an Icecast server does (no HTTP/ICE answer)`,
						),
					);
				}
				const parsed = parseAnswer(answer);
				if (parsed === undefined) {
					if (answer.length > MAX_ANSWER_BYTES)
						settle(
							new IcecastError('E_ICECAST_HTTP', `${options.host}:${options.port} sent an answer that is not HTTP`),
						);
					return;
				}
				if (parsed.status === 200) return settle('live');
				// Wait briefly for the body: it tells "Mountpoint in use" from other 403s.
				if (parsed.body.length < parsed.contentLength && answer.length < MAX_ANSWER_BYTES) return;
				settle(fromStatus(parsed.status, parsed.body.toString('utf8'), options));
			});
			socket.on('end', () => {
				const parsed = parseAnswer(answer);
				settle(
					parsed
						? fromStatus(parsed.status, parsed.body.toString('utf8'), options)
						: new IcecastError(
								'E_ICECAST_CLOSED',
								`${options.host}:${options.port} closed the connection without an answer`,
							),
				);
			});
		});
	}

	/** Whether the connection has ended (closed by us, or dropped). */
	get ended(): boolean {
		return this.closed;
	}

	/** Sends one unit (whole pages or frames). Returns false when the connection has been dropped. */
	write(unit: Buffer): boolean {
		if (this.closed) return false;
		if (this.socket.writableLength > this.options.maxQueuedBytes) {
			this.finish(
				new IcecastError(
					'E_ICECAST_STALLED',
					`${this.options.host}:${this.options.port} stopped taking data for ${this.options.mount} (${Math.round(this.socket.writableLength / 1024)} KiB waiting)`,
				),
			);
			return false;
		}
		this.socket.write(unit);
		this.written += unit.length;
		return true;
	}

	/**
	 * Drops the connection (E_ICECAST_SLOW) when the server has not acknowledged bytes sent more
	 * than SLOW_AFTER_MS ago. Called about once a second.
	 */
	checkProgress(now = Date.now()): void {
		if (this.closed) return;
		// An IPv4-mapped address (::ffff:a.b.c.d) is an IPv6 socket, listed in tcp6: remoteFamily says so.
		const unacknowledged = unacknowledgedBytes(this.socket.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4', now);
		// The count is read every few seconds for every connection at once (tcp-queue.ts).
		if (unacknowledged === this.lastCount) return;
		this.lastCount = unacknowledged;
		const inKernel = unacknowledged.get(`${this.socket.localPort}:${this.socket.remotePort}`);
		if (inKernel === undefined) return;
		this.progress.push({ at: now, written: this.written });
		while (this.progress.length > 1 && now - this.progress[0]!.at > PROGRESS_KEPT_MS) this.progress.shift();
		const acknowledged = this.written - inKernel - this.socket.writableLength;
		// The oldest byte not acknowledged went out after the last check at which fewer had been written.
		const waitingSince = this.progress.find((p) => p.written > acknowledged)?.at;
		if (waitingSince === undefined || now - waitingSince <= SLOW_AFTER_MS) return;
		const { host, port, mount } = this.options;
		const waiting = this.written - acknowledged;
		this.finish(
			new IcecastError(
				'E_ICECAST_SLOW',
				`${host}:${port} takes ${mount} slower than it is produced: ${Math.round(waiting / 1024)} KiB sent over ${Math.round((now - waitingSince) / 1000)} s not yet taken`,
			),
		);
	}

	/** Ends the stream cleanly (the mount goes away on the server). */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.socket.end();
		setTimeout(() => this.socket.destroy(), 1000).unref();
		this.emit('close', undefined);
	}

	private finish(error: IcecastError): void {
		if (this.closed) return;
		this.closed = true;
		this.socket.destroy();
		this.emit('close', error);
	}
}

function requestHead(o: SourceConnectionOptions): string {
	const host = o.port === (o.tls ? 443 : 80) ? o.host : `${o.host}:${o.port}`;
	const lines = [
		`PUT ${encodeURI(o.mount)} HTTP/1.1`,
		`Host: ${host}`,
		...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`),
	];
	return `${lines.join('\r\n')}\r\n\r\n`;
}

function parseAnswer(bytes: Buffer): { status: number; contentLength: number; body: Buffer } | undefined {
	const end = bytes.indexOf('\r\n\r\n');
	if (end < 0) return undefined;
	const head = bytes.subarray(0, end).toString('latin1');
	const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head)?.[1] ?? 0);
	const contentLength = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
	return { status, contentLength, body: bytes.subarray(end + 4) };
}
