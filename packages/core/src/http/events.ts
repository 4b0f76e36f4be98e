import type http from 'node:http';
import type { Engine } from '../orchestrator/engine.js';
import type { JdcastEventMessage } from '../status/messages.js';

const HEARTBEAT_MS = 15_000;
/** A client this far behind is not reading: it is dropped (its page reconnects), never waited for. */
const MAX_BEHIND_BYTES = 1024 * 1024;

/**
 * Server-Sent Events: first the whole status (`{"event":"status",...}`), then every event jdcast
 * emits as `data: {"event", "time", ...payload}`, and a comment line as heartbeat.
 */
export function streamEvents(
	orchestrator: Pick<Engine, 'onEveryEvent' | 'status'>,
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
	const send = (message: JdcastEventMessage) => {
		if (closed) return;
		if (response.writableLength > MAX_BEHIND_BYTES) return close();
		response.write(`data: ${JSON.stringify(message)}\n\n`);
	};
	const off = orchestrator.onEveryEvent(send);
	const heartbeat = setInterval(() => !closed && response.write(': heartbeat\n\n'), HEARTBEAT_MS);
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
	response.write('retry: 2000\n\n');
	send({ event: 'status', time: new Date().toISOString(), ...orchestrator.status() });
	return close;
}
