import type http from 'node:http';
import { JdcastError } from '../errors/index.js';
import type { Engine } from '../orchestrator/engine.js';
import type { JdcastEventMessage } from '../status/messages.js';

const HEARTBEAT_MS = 15_000;
/**
 * A client that leaves this much unsent is not reading, and one that stays behind this long
 * (what jdcast wrote not all taken since) cannot keep up: either is dropped (its page reconnects
 * and starts from a fresh status), never waited for. The kernel's own buffers, which fill first,
 * come on top: see docs/http.md.
 */
const MAX_BEHIND_BYTES = 64 * 1024;
const MAX_BEHIND_MS = 5000;
/** Event streams at once, and from any one client: a quarter, so that no one holds them all. */
const MAX_STREAMS = 64;
const MAX_STREAMS_PER_CLIENT = 16;

type EventSource = Pick<Engine, 'onEveryEvent' | 'status'>;

/**
 * Server-Sent Events: first the whole status (`{"event":"status",...}`), then every event jdcast
 * emits as `data: {"event", "time", ...payload}`, and a comment line as heartbeat.
 */
export function streamEvents(
	orchestrator: EventSource,
	request: http.IncomingMessage,
	response: http.ServerResponse,
	onClose: () => void = () => {},
): () => void {
	response.writeHead(200, {
		'Content-Type': 'text/event-stream; charset=utf-8',
		'Cache-Control': 'no-store',
		Connection: 'keep-alive',
		'X-Accel-Buffering': 'no',
	});
	response.socket?.setNoDelay(true);
	let closed = false;
	let behindSince: number | undefined;
	const write = (text: string) => {
		if (closed) return;
		const now = Date.now();
		if (response.writableLength === 0) behindSince = undefined;
		else behindSince ??= now;
		if (response.writableLength > MAX_BEHIND_BYTES || (behindSince !== undefined && now - behindSince > MAX_BEHIND_MS))
			return close();
		response.write(text);
	};
	const send = (message: JdcastEventMessage) => write(`data: ${JSON.stringify(message)}\n\n`);
	const off = orchestrator.onEveryEvent(send);
	const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
	const close = () => {
		if (closed) return;
		closed = true;
		clearInterval(heartbeat);
		off();
		// Dropped, not ended: end() would wait for a client that does not read.
		response.destroy();
		onClose();
	};
	request.on('close', close);
	write('retry: 2000\n\n');
	send({ event: 'status', time: new Date().toISOString(), ...orchestrator.status() });
	return close;
}

/** The open event streams, counted per client, so that one client cannot take every slot. */
export class EventStreams {
	readonly #open = new Map<() => void, string>();

	constructor(private readonly orchestrator: EventSource) {}

	/** Streams events to the client at `client`; E_BUSY when too many are open, or open from it. */
	open(request: http.IncomingMessage, response: http.ServerResponse, client: string): void {
		if (this.#open.size >= MAX_STREAMS)
			throw new JdcastError('E_BUSY', `already ${MAX_STREAMS} event streams open; close a dashboard`);
		let mine = 0;
		for (const other of this.#open.values()) if (other === client) mine++;
		if (mine >= MAX_STREAMS_PER_CLIENT)
			throw new JdcastError(
				'E_BUSY',
				`already ${MAX_STREAMS_PER_CLIENT} event streams open from this address (at most ${MAX_STREAMS_PER_CLIENT} of ${MAX_STREAMS}); close a dashboard`,
			);
		const close = streamEvents(this.orchestrator, request, response, () => this.#open.delete(close));
		this.#open.set(close, client);
	}

	closeAll(): void {
		for (const close of [...this.#open.keys()]) close();
	}
}
