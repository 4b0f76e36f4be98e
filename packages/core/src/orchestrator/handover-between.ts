import { JdcastError } from '../errors/index.js';
import type { HandoverResult, MountChangeReason } from '../status/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { handOver, type HandoverOptions } from './handover.js';

/** What a handover needs of the engine around it. */
export interface HandoverPlace {
	/** Throws E_UNKNOWN_PROFILE for a name no profile has (checked when the handover's turn comes). */
	check(name: string): void;
	running(name: string): Supervisor | undefined;
	/** Starts a profile with its shared mounts held back (it takes them on FROM's connections). */
	start(name: string): Promise<void>;
	stop(name: string, reason: MountChangeReason): Promise<void>;
	/** Runs `move` while the MountBroker hides the moment a connection is between two DJs. */
	moving<T>(reason: MountChangeReason, names: string[], move: () => Promise<T>): Promise<T>;
}

/**
 * One handover between two known profiles: TO started if it is stopped (and stopped again if the
 * handover is refused), the shared mounts moved, and FROM stopped after when `stopFrom` says so.
 */
export async function handOverBetween(
	place: HandoverPlace,
	from: string,
	to: string,
	options: HandoverOptions & { stopFrom?: boolean; reason?: 'handover' | 'schedule' },
): Promise<HandoverResult> {
	place.check(from);
	place.check(to);
	if (from === to) throw new JdcastError('E_HANDOVER_SAME', `${from} cannot hand over to itself`);
	const outgoing = place.running(from);
	if (!outgoing)
		throw new JdcastError(
			'E_HANDOVER_NOT_RUNNING',
			`${from} is not running: there is nothing to hand over; start ${to} instead`,
		);
	const startedHere = !place.running(to);
	await place.start(to);
	const reason = options.reason ?? 'handover';
	let result: HandoverResult;
	try {
		const incoming = place.running(to)!;
		result = await handOver(outgoing, incoming, { ...options, justStarted: startedHere }, (move) =>
			place.moving(reason, [from, to], move),
		);
	} catch (error) {
		if (startedHere) await place.stop(to, 'stop');
		throw error;
	}
	if (options.stopFrom) await place.stop(from, reason);
	return result;
}

/** Handovers one at a time: two handovers of one mount at once would hand one connection twice. */
export class HandoverQueue {
	private last: Promise<unknown> = Promise.resolve();

	constructor(private readonly place: HandoverPlace) {}

	run(
		from: string,
		to: string,
		options: HandoverOptions & { stopFrom?: boolean; reason?: 'handover' | 'schedule' },
	): Promise<HandoverResult> {
		const mine = this.last.catch(() => {}).then(() => handOverBetween(this.place, from, to, options));
		this.last = mine.catch(() => {});
		return mine;
	}
}
