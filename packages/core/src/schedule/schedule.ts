import { DateTime } from 'luxon';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** One slot as written: weekly (days, from, to) or dated (start, end), in the schedule's zone. */
export type Slot =
	| { profile: string; kind: 'weekly'; days: Weekday[]; from: string; to: string; at: string }
	| { profile: string; kind: 'dated'; start: string; end: string; at: string };

/** A slot's one time on air. */
export interface Occurrence {
	profile: string;
	start: number;
	end: number;
	slot: Slot;
}

/** "22:00" or "22:00:30" → seconds after midnight. */
function secondsOf(time: string): number {
	const [h, m, s = '0'] = time.split(':');
	return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/**
 * Who is on the shared mounts when: weekly slots (a slot whose `to` is not after its `from` ends
 * the next day) and dated ones, in one IANA time zone (wall-clock times: a weekly slot keeps its
 * hours across daylight-saving changes).
 */
export class Schedule {
	constructor(
		readonly slots: readonly Slot[],
		readonly zone: string,
		/** Seconds before its slot that a profile is started. */
		readonly leadSeconds: number,
	) {}

	/** Every occurrence that overlaps [from, to) (epoch ms), sorted by start. */
	occurrences(from: number, to: number): Occurrence[] {
		const out: Occurrence[] = [];
		for (const slot of this.slots) {
			if (slot.kind === 'dated') {
				const start = this.instant(slot.start);
				const end = this.instant(slot.end);
				if (start < to && end > from) out.push({ profile: slot.profile, start, end, slot });
				continue;
			}
			const length = (((secondsOf(slot.to) - secondsOf(slot.from)) % 86400) + 86400) % 86400 || 86400;
			// From the day before `from` (a slot crossing midnight) to the day of `to`.
			let day = DateTime.fromMillis(from - DAY_MS, { zone: this.zone }).startOf('day');
			for (; day.toMillis() < to; day = day.plus({ days: 1 })) {
				if (!slot.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
				const [h, m, s] = slot.from.split(':').map(Number) as [number, number, number?];
				const begin = day.set({ hour: h, minute: m, second: s ?? 0 });
				const start = begin.toMillis();
				const end = begin.plus({ seconds: length }).toMillis();
				if (start < to && end > from) out.push({ profile: slot.profile, start, end, slot });
			}
		}
		return out.sort((a, b) => a.start - b.start);
	}

	/** The occurrence on air at `now` (epoch ms), if any. */
	at(now: number): Occurrence | undefined {
		return this.occurrences(now, now + 1).find((o) => o.start <= now && now < o.end);
	}

	/** The next occurrence to start after `now`, within a week and a day. */
	next(now: number): Occurrence | undefined {
		return this.occurrences(now, now + 8 * DAY_MS).find((o) => o.start > now);
	}

	/** A dated slot's local time as epoch ms. */
	instant(local: string): number {
		return DateTime.fromISO(local, { zone: this.zone }).toMillis();
	}
}

/** Pairs of slots on air at the same time: over two weeks for weekly ones, over each dated one's span. */
export function overlaps(schedule: Schedule, reference: number): [Occurrence, Occurrence][] {
	const spans = [[reference, reference + 15 * DAY_MS]];
	for (const slot of schedule.slots) if (slot.kind === 'dated') spans.push([schedule.instant(slot.start) - DAY_MS, schedule.instant(slot.end) + DAY_MS]);
	const found = new Map<string, [Occurrence, Occurrence]>();
	for (const [from, to] of spans) {
		let latest: Occurrence | undefined;
		for (const o of schedule.occurrences(from!, to!)) {
			if (latest && o.start < latest.end && o.slot !== latest.slot) {
				const key = [latest.slot.at, o.slot.at].sort().join('|');
				if (!found.has(key)) found.set(key, [latest, o]);
			}
			if (!latest || o.end > latest.end) latest = o;
		}
	}
	return [...found.values()];
}

/** A slot in words, for messages: "dj-a, fri sat 22:00–01:00" or "dj-a, 2026-12-04T22:00–2026-12-05T01:00". */
export function slotInWords(slot: Slot): string {
	return slot.kind === 'weekly' ? `${slot.profile}, ${slot.days.join(' ')} ${slot.from}–${slot.to}` : `${slot.profile}, ${slot.start}–${slot.end}`;
}
