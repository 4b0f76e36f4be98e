import { isDeepStrictEqual } from 'node:util';
import { JdcastError } from '../errors/index.js';
import type { EventEmitter } from 'eventemitter3';
import type { Profile } from '../profile/types.js';
import { EVENT_NAMES, eventMessage, type JdcastEventMessage } from '../status/messages.js';
import type { JdcastEvents, ProfileStatus } from '../status/types.js';

/** The status of a profile that never ran yet (a schedule starts it in its slot): stopped, nothing heard. */
export function notStarted(name: string): ProfileStatus {
	return {
		name,
		state: 'stopped',
		lastError: null,
		encoder: { pid: null, restarts: 0, xruns: 0 },
		audio: null,
		jack: null,
		outputs: [],
		recordings: [],
	};
}

/** Two definitions of a profile are the same when they differ at most in where their keys sit in the file. */
export function sameDefinition(a: Profile, b: Profile): boolean {
	const strip = (p: Profile) =>
		JSON.parse(JSON.stringify(p, (key, value: unknown) => (key === 'at' ? undefined : value))) as unknown;
	return isDeepStrictEqual(strip(a), strip(b));
}

/** Every `event` of one emitter emitted again by another. */
export function forward<E extends keyof JdcastEvents>(
	from: EventEmitter<JdcastEvents>,
	to: EventEmitter<JdcastEvents>,
	event: E,
): void {
	// eventemitter3's types cannot follow one generic event through on() and emit(); the payload is the same type.
	const emit = to.emit.bind(to) as (event: E, ...args: JdcastEvents[E]) => boolean;
	from.on(event, ((...args: JdcastEvents[E]) => emit(event, ...args)) as never);
}

/** Every event of an emitter, as one message each; returns the unsubscribe function. */
export function everyEvent(
	emitter: EventEmitter<JdcastEvents>,
	listener: (message: JdcastEventMessage) => void,
): () => void {
	const offs = EVENT_NAMES.map((event) => {
		const handler = (payload: JdcastEvents[typeof event][0]) => listener(eventMessage(event, payload));
		emitter.on(event, handler as never);
		return () => emitter.off(event, handler as never);
	});
	return () => offs.forEach((off) => off());
}

/** E_UNKNOWN_PROFILE, naming the profiles there are. */
export function noSuchProfile(name: string, known: readonly string[]): JdcastError {
	return new JdcastError(
		'E_UNKNOWN_PROFILE',
		`no profile named ${JSON.stringify(name)}; profiles are ${known.join(', ') || 'none'}`,
	);
}
