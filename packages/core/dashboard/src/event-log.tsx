import type { JdcastEventMessage } from '../../src/status/messages.js';
import { sourceName } from './station.js';

export type LoggedEvent = Extract<
	JdcastEventMessage,
	{ event: 'log' | 'retry' | 'silence' | 'handover' | 'metadata' | 'recording' | 'mount' }
>;
const LOGGED = new Set(['log', 'retry', 'silence', 'handover', 'metadata', 'recording', 'mount']);

export const isLogged = (e: JdcastEventMessage): e is LoggedEvent => LOGGED.has(e.event);

/** What an event in the log list says. */
function eventText(e: LoggedEvent): string {
	switch (e.event) {
		case 'log':
			return e.message;
		case 'retry':
			return `${e.mount} on ${e.server}: ${e.cause}`;
		case 'silence':
			return e.state === 'started' ? 'dead air' : `audible again after ${Math.round(e.seconds)} s`;
		case 'handover':
			return `${e.from} → ${e.to}`;
		case 'metadata':
			return e.nowPlaying;
		case 'recording':
			return `${e.path}: ${e.state}${e.error ? ` (${e.error})` : ''}`;
		case 'mount':
			return `${e.mount} on ${e.server}: ${sourceName(e.previous)} → ${sourceName(e.source)} (${e.reason})`;
	}
}

/** Recent log, retry, silence, handover, metadata, recording and mount events, newest first. */
export function EventLog({ log }: { log: LoggedEvent[] }) {
	if (log.length === 0) return null;
	return (
		<section class="log" aria-label="Recent events">
			<h2>Recent events</h2>
			<ol>
				{log.map((e, i) => (
					<li key={`${e.time}-${i}`}>
						<time>{new Date(e.time).toLocaleTimeString()}</time> {e.profile ? `${e.profile} ` : ''}
						{e.event}: {eventText(e)}
					</li>
				))}
			</ol>
		</section>
	);
}
