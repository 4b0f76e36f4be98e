import { expandProfilePaths, isScheduleFile } from '@jdcast/core/internal';
import path from 'node:path';
import { UsageError } from '../args.js';

/** The FILES of a command, sorted: profiles to load, and the schedule to run them by. */
export interface SortedFiles {
	/** Profile files, globs expanded, in the order given. */
	profiles: string[];
	/** The schedule: `--schedule`'s, or the one among FILES. */
	schedule?: string;
	/** Two different schedules were given (two among FILES, or one there and another with --schedule). */
	twoSchedules?: [string, string];
}

/**
 * FILES as `up`, `validate` and `service install` take them: quoted globs expanded as `up` does
 * (at every reload too), and a schedule among them — told by its content, so that
 * "profiles/station/*.yaml" may hold one — taken as if given with `--schedule`. The same file
 * named both ways is one schedule. `missingOk`: a plain path that is gone is dropped (a reload).
 */
export async function sortFiles(
	patterns: readonly string[],
	scheduleOption: string | undefined,
	options: { missingOk?: boolean } = {},
): Promise<SortedFiles> {
	const files = await expandProfilePaths(patterns, options);
	const kinds = await Promise.all(files.map(isScheduleFile));
	const schedules = [...(scheduleOption === undefined ? [] : [scheduleOption]), ...files.filter((_, i) => kinds[i])];
	const distinct = schedules.filter(
		(file, i) => schedules.findIndex((other) => path.resolve(other) === path.resolve(file)) === i,
	);
	return {
		profiles: files.filter((_, i) => !kinds[i]),
		...(distinct[0] === undefined ? {} : { schedule: distinct[0] }),
		...(distinct[1] === undefined ? {} : { twoSchedules: [distinct[0]!, distinct[1]] }),
	};
}

/** The one sentence for two schedules, naming both. */
export function twoSchedulesMessage([first, second]: [string, string]): string {
	return `two schedules given, ${first} and ${second}: jdcast runs one (a schedule among FILES counts as --schedule)`;
}

/** The profiles among FILES, for a command that has no use for a schedule there; none at all is wrong usage. */
export async function profilesAmong(command: string, patterns: readonly string[]): Promise<string[]> {
	const { profiles } = await sortFiles(patterns, undefined);
	if (profiles.length === 0) throw new UsageError(`jdcast ${command}: no profile files among ${patterns.join(' ')}`);
	return profiles;
}
