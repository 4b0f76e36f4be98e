import type { Engine, ProfileGovernor } from '../orchestrator/engine.js';
import type { ScheduleStatus } from '../status/types.js';
import { type Clock, realClock } from '../util/clock.js';
import type { Occurrence, Schedule } from './schedule.js';

/** Looked at again at least this often (a long timer would miss a clock or zone change). */
const MAX_SLEEP_MS = 60_000;
/** Timers wake by the monotonic clock, slots are on the wall clock: woken this much after a moment. */
const TIMER_MARGIN_MS = 3;
/** A boundary whose work failed (a handover refused) is tried again this soon. */
const RETRY_MS = 2000;

/** Names the slot on air ("PROFILE@START", or "nobody" between slots): when the name changes, a boundary has passed. */
function boundaryOf(slot: Occurrence | undefined): string {
	return slot ? `${slot.profile}@${slot.start}` : 'nobody';
}

/**
 * Runs a schedule on the engine — it drives the engine through `Engine`, and the engine only asks it
 * what is due (`ProfileGovernor`): the profile of the slot on air holds the shared mounts. A few
 * seconds before a slot the incoming profile is started (it waits: the outgoing one holds the
 * mounts), at the boundary the mounts are handed over on their live connections, and a profile
 * with shared mounts and no slot now is stopped. Profiles without shared mounts (an autodj, a
 * recorder) are not the schedule's business.
 */
export class Scheduler implements ProfileGovernor {
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	private working: Promise<void> = Promise.resolve();
	/** The boundary whose work is done (see `boundaryOf`); set by `handled` alone. Until it is set, every look is at a boundary. */
	private lastHandled: string | undefined;
	private readonly log: (level: 'info' | 'warning', message: string) => void;
	private readonly clock: Clock;

	/** `log`: the engine's own log by default; `clock`: the machine's (a test's runs on mock timers). */
	constructor(
		private readonly engine: Engine,
		readonly schedule: Schedule,
		options: { log?: (level: 'info' | 'warning', message: string) => void; clock?: Clock } = {},
	) {
		this.log = options.log ?? ((level, message) => engine.say(level, message));
		this.clock = options.clock ?? realClock;
	}

	/** The profiles the schedule governs: those with a shared stream. */
	governed(): string[] {
		return this.engine.knownProfiles.filter((p) => p.streams.some((s) => s.shared)).map((p) => p.name);
	}

	/** Whether a profile should be running at `now`: in its slot, or `ahead` of it (its shared mounts held back). */
	due(name: string, now = this.clock.wall()): 'now' | 'ahead' | undefined {
		if (!this.governed().includes(name) || this.schedule.at(now)?.profile === name) return 'now';
		const next = this.schedule.next(now);
		return next?.profile === name && next.start - now <= this.schedule.leadSeconds * 1000 ? 'ahead' : undefined;
	}

	/**
	 * A new schedule (a reload): the slot on air stays handled, so that a hand-made change holds until the
	 * next boundary.
	 */
	replace(schedule: Schedule): Scheduler {
		const next = new Scheduler(this.engine, schedule, { log: this.log, clock: this.clock });
		const onAir = boundaryOf(schedule.at(this.clock.wall()));
		if (this.lastHandled === onAir) next.handled(onAir);
		this.stop();
		return next;
	}

	start(): void {
		this.wake();
	}

	stop(): void {
		this.stopped = true;
		this.clock.clearTimeout(this.timer);
	}

	/** Whose slot it is and who is next; who really holds the mounts (`current`) is the MountBroker's to say. */
	status(now = this.clock.wall()): Omit<ScheduleStatus, 'current'> {
		const next = this.schedule.next(now);
		return {
			slot: this.schedule.at(now)?.profile ?? null,
			next: next?.profile ?? null,
			nextAt: next ? new Date(next.start).toISOString() : null,
		};
	}

	private wake(): void {
		if (this.stopped) return;
		let failed = false;
		this.working = this.working
			.then(() => this.reconcile())
			.catch((error: unknown) => {
				failed = true;
				this.log(
					'warning',
					`schedule: ${error instanceof Error ? error.message : String(error)}; trying again in ${RETRY_MS / 1000} s`,
				);
			});
		void this.working.then(() => this.sleep(failed ? RETRY_MS : undefined));
	}

	private sleep(soon?: number): void {
		if (this.stopped) return;
		const now = this.clock.wall();
		const current = this.schedule.at(now);
		const next = this.schedule.next(now);
		const lead = this.schedule.leadSeconds * 1000;
		const moments = [current?.end, next ? next.start - lead : undefined, next?.start].filter(
			(t): t is number => t !== undefined && t > now,
		);
		// A boundary passed since the last look (a timer fires up to a millisecond before the wall
		// clock says it should): look again at once. Else a little after the moment, never before it.
		const unhandled = boundaryOf(current) !== this.lastHandled;
		const delay =
			unhandled && soon === undefined
				? 0
				: Math.min(MAX_SLEEP_MS, soon ?? MAX_SLEEP_MS, ...moments.map((t) => t - now + TIMER_MARGIN_MS));
		this.clock.clearTimeout(this.timer);
		this.timer = this.clock.setTimeout(() => this.wake(), Math.max(0, delay));
		this.timer.unref();
	}

	/**
	 * At a boundary (and at the start), makes the orchestrator what the schedule says; in between
	 * only starts the next profile ahead of its slot, so that a hand-made change (a handover, a
	 * start) holds until the next boundary.
	 */
	private async reconcile(): Promise<void> {
		const now = this.clock.wall();
		const governed = this.governed();
		const running = new Set(this.engine.runningProfileNames);
		const slot = this.schedule.at(now);
		const onAir = slot?.profile;
		const boundary = boundaryOf(slot);
		const atBoundary = boundary !== this.lastHandled;
		const next = this.schedule.next(now);
		if (next && this.due(next.profile, now) === 'ahead' && !running.has(next.profile)) {
			// Started ahead of its slot to be audible at the boundary, its shared mounts held back until then.
			await this.engine.startProfile(next.profile, { holdShared: true });
			this.log('info', `schedule: ${next.profile} started ahead of its slot at ${new Date(next.start).toISOString()}`);
		}
		if (!atBoundary) return;
		const holder = governed.find((name) => running.has(name) && this.engine.holdsSharedMount(name));
		if (onAir && governed.includes(onAir)) {
			if (holder && holder !== onAir) {
				// The boundary: the mounts go over on their live connections, whatever the incoming input sounds like.
				const silent = this.engine.status().profiles.find((p) => p.name === onAir)?.audio?.silent;
				if (silent) this.log('warning', `schedule: ${onAir} is silent, but its slot begins: handing over`);
				await this.engine.handover(holder, onAir, { force: true, stopFrom: true, reason: 'schedule' });
				this.log('info', `schedule: ${onAir} on air (slot began), ${holder} stopped`);
			} else if (holder !== onAir) {
				// Started, or resumed after waiting ahead of its slot: its outputs take the free mounts.
				await this.engine.startProfile(onAir, { reason: 'schedule' });
				this.log('info', `schedule: ${onAir} on air (slot began)`);
			}
		}
		for (const name of governed) {
			if (!this.engine.runningProfileNames.includes(name) || this.due(name, now)) continue;
			await this.engine.stopProfile(name, 'schedule');
			this.log('info', `schedule: ${name} stopped (no slot now)`);
		}
		// Done: a boundary whose work failed is tried again at the next wake.
		this.handled(boundary);
	}

	/** The one place the boundary last handled changes: after its work is done, or carried over by `replace`. */
	private handled(boundary: string): void {
		this.lastHandled = boundary;
	}
}
