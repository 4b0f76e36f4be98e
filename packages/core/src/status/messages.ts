import type { JdcastEvents, StatusSnapshot } from './types.js';

/**
 * One event as `jdcast up --json` writes it and `/api/events` sends it: `{"event", "time", ...payload}`;
 * the event stream begins with `{"event": "status", ...snapshot}`.
 */
export type JdcastEventMessage =
	| { [K in keyof JdcastEvents]: { event: K; time: string } & JdcastEvents[K][0] }[keyof JdcastEvents]
	| ({ event: 'status'; time: string } & StatusSnapshot);

/** An event as a message of its own: `{"event", "time", ...payload}`. */
export function eventMessage<K extends keyof JdcastEvents>(event: K, payload: JdcastEvents[K][0]): JdcastEventMessage {
	return { event, time: new Date().toISOString(), ...payload } as JdcastEventMessage;
}

/** The name of every event in JdcastEvents. */
export const EVENT_NAMES = [
	'profile',
	'output',
	'retry',
	'recording',
	'encoder',
	'jack',
	'stats',
	'log',
	'metadata',
	'level',
	'silence',
	'handover',
	'mount',
	'harbor',
	'failover',
] as const satisfies readonly (keyof JdcastEvents)[];
