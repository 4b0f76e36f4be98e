import { DateTime, IANAZone } from 'luxon';
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

const MINUTE_MS = 60_000;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/** "+02:00" for 120 minutes. */
function offsetInWords(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * What is wrong with a dated slot's time in `zone` on a daylight-saving night, in a sentence, or
 * undefined: a wall-clock time the clocks skip does not exist, and one they pass twice is two
 * moments (the offset written after it, as in 2027-10-31T02:15+01:00, says which; an offset the
 * zone does not have at that time is refused too).
 */
export function dstProblem(written: string, zone: string): string | undefined {
	const offset = OFFSET.exec(written)?.[1];
	const local = offset === undefined ? written : written.slice(0, -offset.length);
	// The wall-clock time read as if it were UTC: minus an offset of the zone, it is the moment it names there.
	const wall = DateTime.fromISO(local, { zone: 'UTC' }).toMillis();
	const z = IANAZone.create(zone);
	const around = [...new Set([z.offset(wall - DAY_MS), z.offset(wall), z.offset(wall + DAY_MS)])];
	const readings = around.filter((o) => z.offset(wall - o * MINUTE_MS) === o).sort((a, b) => b - a);
	const [before, after] = [z.offset(wall - DAY_MS), z.offset(wall + DAY_MS)];
	const change = () => {
		// The moment the clocks change, found to the minute between the day before and the day after.
		let [lo, hi] = [wall - DAY_MS, wall + DAY_MS];
		while (hi - lo > MINUTE_MS) {
			const mid = Math.floor((lo + hi) / 2);
			if (z.offset(mid) === before) lo = mid;
			else hi = mid;
		}
		const at = (o: number) => DateTime.fromMillis(hi + o * MINUTE_MS, { zone: 'UTC' }).toFormat('HH:mm');
		return { from: at(before), to: at(after) };
	};
	const day = local.slice(0, 10);
	if (readings.length === 0) {
		const { from, to } = change();
		return `${written} does not exist in ${zone}: the clocks go from ${from} to ${to} that night; write a time before ${from} or from ${to} on (${day}T${to} is the moment the clocks go forward)`;
	}
	if (offset !== undefined) {
		const minutes =
			offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
		if (readings.includes(minutes)) return undefined;
		const instead = readings.map((o) => `${local}${offsetInWords(o)}`).join(' or ');
		return `${written}: ${zone} is at ${readings.map(offsetInWords).join(' or ')} at ${local}, not ${offset}; write ${instead}${readings.length === 1 ? ', or leave the offset out' : ''}`;
	}
	if (readings.length === 1) return undefined;
	const { from, to } = change();
	const [first, second] = readings.map(offsetInWords) as [string, string];
	return `${written} happens twice in ${zone}: the clocks go back from ${from} to ${to} that night; write which with its offset: ${local}${first} (the first time) or ${local}${second} (the second)`;
}
