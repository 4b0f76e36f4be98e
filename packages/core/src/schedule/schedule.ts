import { DateTime } from 'luxon';
import { formatLocation, type Location } from '../profile/diagnostic.js';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** One slot as written: weekly (days, from, to) or dated (start, end), in the schedule's zone. */
export type Slot =
	| { profile: string; kind: 'weekly'; days: Weekday[]; from: string; to: string; at: Location }
	| { profile: string; kind: 'dated'; start: string; end: string; at: Location };

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
			// Both ends in wall-clock time: on a daylight-saving night the slot is an hour shorter or longer, as its
			// hours say.
			const [eh, em, es] = slot.to.split(':').map(Number) as [number, number, number?];
			const crosses = secondsOf(slot.to) <= secondsOf(slot.from);
			// From the day before `from` (a slot crossing midnight) to the day of `to`.
			let day = DateTime.fromMillis(from - DAY_MS, { zone: this.zone }).startOf('day');
			for (; day.toMillis() < to; day = day.plus({ days: 1 })) {
				if (!slot.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
				const [h, m, s] = slot.from.split(':').map(Number) as [number, number, number?];
				const start = day.set({ hour: h, minute: m, second: s ?? 0 }).toMillis();
				const end = (crosses ? day.plus({ days: 1 }) : day).set({ hour: eh, minute: em, second: es ?? 0 }).toMillis();
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

/**
 * Pairs of slots on air at the same time: weekly ones compared on the week's wall clock (so the
 * answer does not depend on the day it is asked, nor on daylight saving), dated ones over their
 * own span against everything.
 */
export function overlaps(schedule: Schedule): [Slot, Slot][] {
	const found = new Map<string, [Slot, Slot]>();
	const note = (a: Slot, b: Slot) => {
		const key = [formatLocation(a.at), formatLocation(b.at)].sort().join('|');
		if (a !== b && !found.has(key)) found.set(key, [a, b]);
	};
	const week = 7 * 86400;
	const spans: { slot: Slot; start: number; end: number }[] = [];
	for (const slot of schedule.slots) {
		if (slot.kind !== 'weekly') continue;
		const from = secondsOf(slot.from);
		const length = (((secondsOf(slot.to) - from) % 86400) + 86400) % 86400;
		for (const day of slot.days) {
			const start = WEEKDAYS.indexOf(day) * 86400 + from;
			// A slot crossing the end of the week (sunday night) is two spans.
			if (start + length <= week) spans.push({ slot, start, end: start + length });
			else spans.push({ slot, start, end: week }, { slot, start: 0, end: start + length - week });
		}
	}
	spans.sort((a, b) => a.start - b.start);
	for (let i = 0; i < spans.length; i++)
		for (let j = i + 1; j < spans.length && spans[j]!.start < spans[i]!.end; j++) note(spans[i]!.slot, spans[j]!.slot);
	for (const slot of schedule.slots) {
		if (slot.kind !== 'dated') continue;
		const start = schedule.instant(slot.start);
		const end = schedule.instant(slot.end);
		for (const other of schedule.occurrences(start, end))
			if (other.slot !== slot && other.start < end && other.end > start) note(other.slot, slot);
	}
	return [...found.values()];
}

/** A slot in words, for messages: "dj-a, fri sat 22:00–01:00" or "dj-a, 2026-12-04T22:00–2026-12-05T01:00". */
export function slotInWords(slot: Slot): string {
	return slot.kind === 'weekly'
		? `${slot.profile}, ${slot.days.join(' ')} ${slot.from}–${slot.to}`
		: `${slot.profile}, ${slot.start}–${slot.end}`;
}
