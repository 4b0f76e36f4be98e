import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { it } from 'node:test';
import { streamEvents } from '../src/http/events.js';
import type { Engine } from '../src/orchestrator/engine.js';
import { exampleProfile, exampleSnapshot } from '../src/status/examples.js';
import type { JdcastEventMessage } from '../src/status/messages.js';

function fakes() {
	let emit: ((message: JdcastEventMessage) => void) | undefined;
	// All the event stream knows of the engine: no cast needed.
	const orchestrator: Pick<Engine, 'onEveryEvent' | 'status'> = {
		onEveryEvent: (listener: (message: JdcastEventMessage) => void) => {
			emit = listener;
			return () => {
				emit = undefined;
			};
		},
		status: () => exampleSnapshot([exampleProfile()]),
	};
	const request = new EventEmitter() as http.IncomingMessage;
	const written: string[] = [];
	const response = {
		writableLength: 0,
		destroyed: false,
		writeHead: () => response,
		write: (chunk: string) => written.push(chunk),
		destroy: () => (response.destroyed = true),
	};
	return { orchestrator, request, response, written, emit: (m: JdcastEventMessage) => emit?.(m) };
}

it('SSE: the status first, then every event, a heartbeat every 15 s, nothing after the client left', (t) => {
	t.mock.timers.enable({ apis: ['setInterval'] });
	const { orchestrator, request, response, written, emit } = fakes();
	streamEvents(orchestrator, request, response as unknown as http.ServerResponse);
	assert.equal(written[0], 'retry: 2000\n\n');
	assert.match(written[1]!, /^data: \{"event":"status","time":"[^"]+","profiles":\[\{"name":"night"/);
	emit({ event: 'log', time: 'now', profile: 'night', level: 'info', message: 'hello' });
	assert.equal(
		written.at(-1),
		'data: {"event":"log","time":"now","profile":"night","level":"info","message":"hello"}\n\n',
	);
	t.mock.timers.tick(14_999);
	assert.ok(!written.includes(': heartbeat\n\n'), 'no heartbeat before 15 s');
	t.mock.timers.tick(1);
	assert.equal(written.at(-1), ': heartbeat\n\n');
	request.emit('close');
	assert.equal(response.destroyed, true);
	const count = written.length;
	t.mock.timers.tick(30_000);
	emit({ event: 'log', time: 'later', profile: 'night', level: 'info', message: 'gone' });
	assert.equal(written.length, count, 'nothing written to a client that left');
});

it('SSE: a client far behind (here 2 MiB held, over the 64 KiB allowed) is dropped, never waited for', () => {
	const { orchestrator, request, response, written, emit } = fakes();
	let closed = 0;
	streamEvents(orchestrator, request, response as unknown as http.ServerResponse, () => closed++);
	response.writableLength = 2 * 1024 * 1024;
	const count = written.length;
	emit({ event: 'log', time: 'now', profile: 'night', level: 'info', message: 'late' });
	assert.equal(written.length, count);
	assert.equal(response.destroyed, true);
	assert.equal(closed, 1);
});
