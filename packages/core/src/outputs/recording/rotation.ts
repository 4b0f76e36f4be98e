import { untilNextBoundary } from '../files/naming.js';
import { type Clock, realClock } from '../../util/clock.js';

/** Why a new file begins. */
export type Rotation = 'split' | 'holder' | 'restart' | 'full';

/** Why a new file began, as the `part` event says it. */
export const ROTATION_REASON: Record<Rotation, string> = {
	split: 'split',
	holder: 'another source on the mount',
	restart: 'the encoder restarted',
	full: 'the file reached its format’s size limit',
};

/** A rotation asked for while a file was being opened, and the moment it was asked for. */
export interface PendingRotation {
	why: Rotation;
	at: Date;
}

/**
 * Whether a rotation asked for while a part was being opened still applies to it, now that `{slot}`
 * says `label`: a split boundary after the moment the part is named for, or a holder other than the one
 * it was named for. (An encoder restart or a full file are seen again by the writer.)
 */
export function stillDue(
	{ why, at }: PendingRotation,
	part: { namedAt: Date; label: string | null },
	label: string | null,
): boolean {
	if (why === 'holder') return part.label !== label;
	return why === 'split' && part.namedAt < at;
}

/**
 * `split`: calls `boundary` at each multiple of `seconds` on the wall clock (1h: the top of each hour),
 * with the boundary's own moment, which the next file is named for.
 */
export class SplitTimer {
	#timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly seconds: number | 'slot' | null,
		private readonly boundary: (at: Date) => void,
		private readonly clock: Clock = realClock,
	) {}

	/** Waits for the next boundary; nothing when the recording is not split on the clock. */
	start(): void {
		const seconds = this.seconds;
		if (typeof seconds !== 'number') return;
		// A timer that fired a little early must not see the same boundary again: look from half a second on.
		const wait = untilNextBoundary(seconds, new Date(this.clock.wall() + 500)) + 500;
		// Named after the boundary itself, even when the timer fires a millisecond early.
		const boundary = new Date(this.clock.wall() + wait);
		this.#timer = this.clock.setTimeout(() => {
			this.boundary(boundary);
			this.start();
		}, wait);
		this.#timer.unref?.();
	}

	stop(): void {
		this.clock.clearTimeout(this.#timer);
	}
}
