import { DateTime, IANAZone } from 'luxon';
import { formatLocation, hasErrors, type Diagnostic, type Location } from '../profile/diagnostic.js';
import { schemaDiagnostics } from '../profile/messages.js';
import { YamlSource, type InstancePath } from '../profile/source.js';
import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import validateSchedule, { schema } from './generated/validate-schedule.js';
import { dstProblem, overlaps, Schedule, slotInWords, type Slot, type Weekday } from './schedule.js';

/** A schedule is a page of slots; more than this is not one. */
const MAX_SCHEDULE_BYTES = 1024 * 1024;
const DEFAULT_LEAD_SECONDS = 5;
/** A dated slot is an event (a festival, a night): longer ones are weekly slots in disguise, and costly to check. */
const MAX_DATED_DAYS = 31;

export interface ScheduleLoad {
	schedule?: Schedule;
	diagnostics: Diagnostic[];
}

interface RawSchedule {
	timezone?: string;
	lead?: number;
	slots: { profile: string; days?: Weekday[]; from?: string; to?: string; start?: string; end?: string }[];
}

/**
 * Reads and checks a schedule file (its own JSON Schema, then what a schema cannot say: a slot
 * is weekly or dated, its end after its start, the zone exists, no two slots overlap), every
 * problem at FILE:LINE:COL. `profiles`, when given, are the names a slot may use.
 */
export async function loadScheduleFile(file: string, profiles?: readonly string[]): Promise<ScheduleLoad> {
	let text: string;
	try {
		text = (await readSmallFile(file, MAX_SCHEDULE_BYTES)).toString('utf8');
	} catch (error) {
		return {
			diagnostics: [
				{ file, line: 1, col: 1, severity: 'error', message: `the schedule ${(error as SmallFileError).reason}` },
			],
		};
	}
	return loadScheduleText(text, file, profiles);
}

export function loadScheduleText(text: string, file: string, profiles?: readonly string[]): ScheduleLoad {
	const source = new YamlSource(file, text);
	if (hasErrors(source.syntaxDiagnostics)) return { diagnostics: source.syntaxDiagnostics };
	const data = source.data ?? {};
	if (!validateSchedule(data))
		return {
			diagnostics: schemaDiagnostics(validateSchedule.errors ?? [], source, schema, data, undefined, 'schedule'),
		};
	const raw = data as RawSchedule;
	const diagnostics: Diagnostic[] = [];
	const report = (path: InstancePath, message: string, at: 'key' | 'value' = 'value') =>
		diagnostics.push({ file, ...source.position(path, at), severity: 'error', message });

	const zone = raw.timezone ?? DateTime.local().zoneName ?? 'UTC';
	if (!IANAZone.isValidZone(zone))
		report(
			['timezone'],
			`timezone: ${JSON.stringify(zone)} is not a time zone jdcast knows; use an IANA name such as Europe/Berlin or UTC`,
		);
	const slots: Slot[] = [];
	for (const [i, s] of raw.slots.entries()) {
		const where: InstancePath = ['slots', i];
		const at: Location = { file, ...source.position(where, 'value') };
		if (profiles && !profiles.includes(s.profile))
			report(
				[...where, 'profile'],
				`slots[${i}].profile: no profile named ${JSON.stringify(s.profile)} among the files given; profiles are ${profiles.join(', ') || 'none'}`,
			);
		const weekly = s.days !== undefined || s.from !== undefined || s.to !== undefined;
		const dated = s.start !== undefined || s.end !== undefined;
		if (weekly === dated || (weekly && (!s.days || !s.from || !s.to)) || (dated && (!s.start || !s.end))) {
			report(where, `slots[${i}]: give days, from and to (a weekly slot) or start and end (a dated one)`);
			continue;
		}
		if (weekly) {
			if (s.from === s.to)
				report(
					[...where, 'to'],
					`slots[${i}].to: the same as from; a slot is at most 24 hours less a second (from 00:00 to 23:59:59)`,
				);
			const slot: Slot = { profile: s.profile, kind: 'weekly', days: s.days!, from: s.from!, to: s.to!, at };
			slots.push(slot);
			continue;
		}
		const invalid = IANAZone.isValidZone(zone)
			? (['start', 'end'] as const).find((key) => !DateTime.fromISO(s[key]!, { zone }).isValid)
			: undefined;
		if (invalid) {
			report([...where, invalid], `slots[${i}].${invalid}: ${s[invalid]} is not a date that exists`);
			continue;
		}
		// A time the clocks skip or pass twice that night is refused, not moved: which moment was meant is the writer's to say.
		// A slot already over never plays again: an old file that kept one still loads.
		const over = IANAZone.isValidZone(zone) && DateTime.fromISO(s.end!, { zone }) < DateTime.now();
		const dst =
			IANAZone.isValidZone(zone) && !over
				? (['start', 'end'] as const).flatMap((key) => {
						const problem = dstProblem(s[key]!, zone);
						return problem === undefined ? [] : [{ key, problem }];
					})
				: [];
		for (const { key, problem } of dst) report([...where, key], `slots[${i}].${key}: ${problem}`);
		if (dst.length > 0) continue;
		if (IANAZone.isValidZone(zone) && DateTime.fromISO(s.end!, { zone }) <= DateTime.fromISO(s.start!, { zone })) {
			report([...where, 'end'], `slots[${i}].end: ${s.end} is not after its start ${s.start}`);
			continue;
		}
		if (
			IANAZone.isValidZone(zone) &&
			DateTime.fromISO(s.end!, { zone }).diff(DateTime.fromISO(s.start!, { zone }), 'days').days > MAX_DATED_DAYS
		) {
			report(
				[...where, 'end'],
				`slots[${i}].end: a dated slot lasts at most ${MAX_DATED_DAYS} days; for something every week, use days, from and to`,
			);
			continue;
		}
		const slot: Slot = { profile: s.profile, kind: 'dated', start: s.start!, end: s.end!, at };
		slots.push(slot);
	}
	if (hasErrors(diagnostics)) return { diagnostics };
	const schedule = new Schedule(slots, zone, raw.lead ?? DEFAULT_LEAD_SECONDS);
	for (const pair of overlaps(schedule)) {
		// Reported at the later of the two in the file.
		const [first, second] = pair.sort((a, b) => slots.indexOf(a) - slots.indexOf(b)) as [Slot, Slot];
		diagnostics.push({
			...second.at,
			severity: 'error',
			message: `slot ${slotInWords(second)} overlaps slot ${slotInWords(first)} at ${formatLocation(first.at)}: one profile at a time is on the shared mounts`,
		});
	}
	return hasErrors(diagnostics) ? { diagnostics } : { schedule, diagnostics };
}
