import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { RecordingSink } from '../outputs/recording.js';
import type { JdcastEvents, RecordingState } from '../status/types.js';

export type Emit = <E extends 'output' | 'retry' | 'recording' | 'failover' | 'log'>(
	event: E,
	payload: JdcastEvents[E][0],
) => void;
type Log = (level: 'info' | 'warning', message: string) => void;

/** An output's state changes and scheduled retries, as the profile's `output` and `retry` events. */
export function forwardOutputEvents(output: IcecastOutput, profile: string, emit: Emit): void {
	const base = { profile, server: output.server.name, mount: output.mount, format: output.status().format };
	output.on('state', (state, error) =>
		emit('output', {
			...base,
			state,
			error: error?.message ?? output.lastError,
			code: error?.code ?? output.lastErrorCode,
		}),
	);
	// A takeover from a silent holder, or why there could be none: an event, and a line in the log.
	output.on('failover', (note) => {
		emit('failover', { profile, server: base.server, mount: base.mount, ...note });
		emit('log', { profile, level: note.took ? 'warning' : 'error', message: note.message });
	});
	output.on('retry', ({ attempt, delayMs, error }) =>
		emit('retry', {
			profile,
			server: base.server,
			mount: base.mount,
			attempt,
			delayMs,
			code: error.code,
			cause: error.message,
		}),
	);
}

/** A recording's states, new parts, removed files and gaps, as `recording` events and log lines. */
export function forwardRecordingEvents(sink: RecordingSink, profile: string, emit: Emit, log: Log): void {
	const event = (state: RecordingState, error: string | null) => {
		const { path, seconds, partBytes } = sink.status();
		emit('recording', { profile, path, state, error, seconds, partBytes });
	};
	sink.on('state', event);
	sink.on('part', (file, reason) => {
		log('info', `recording continues in ${file} (${reason})`);
		event(sink.state, null);
	});
	sink.on('removed', (files) => log('info', `old recording files removed (keep): ${files.join(', ')}`));
	sink.on('gap', (message) => log('warning', message));
	sink.on('note', (message) => log('warning', message));
}
