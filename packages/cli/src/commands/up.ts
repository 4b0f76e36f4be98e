import {
	formatLocation,
	loadProfileFiles,
	loadProfileFilesOffThread,
	loadScheduleFile,
	ProfileError,
} from '@jdcast/core';
import { ownerOf, type Owner } from '@jdcast/core/internal';
import path from 'node:path';
import { UsageError } from '../args.js';

import { printDiagnostics } from '../output/diagnostics.js';
import { runForeground } from '../run/foreground.js';
import { sortFiles, twoSchedulesMessage, type SortedFiles } from '../run/profile-files.js';
import { helpOption, jsonOption, type Command } from './command.js';
import { socketOption } from './control.js';
import { httpOption, httpSettings } from './http-option.js';

export const up: Command = {
	name: 'up',
	summary: 'Run profiles in the foreground: every stream, recording and JACK connection, until Ctrl-C.',
	usage:
		'jdcast up [--json] [--socket PATH] [--http [HOST:]PORT] [--schedule FILE] [--exit-with PID] [--now-playing-file FILE] FILES|"GLOBS"...',
	options: {
		...jsonOption,
		...socketOption,
		seconds: { type: 'string', description: 'stop by itself after this many seconds', placeholder: 'N' },
		'exit-with': {
			type: 'string',
			description: 'stop when the process PID exits (how the Jackdaw plugin ties jdcast to its voice client)',
			placeholder: 'PID',
		},
		schedule: {
			type: 'string',
			description:
				'a schedule file: which profile holds the shared mounts when (handed over at the boundaries); a schedule among FILES is taken as this',
			placeholder: 'FILE',
		},
		'now-playing-file': {
			type: 'string',
			description:
				"follow a player's now-playing JSON file (Jackdaw's .now_playing.json: tags.title/artist/album) on every profile",
			placeholder: 'FILE',
		},
		...httpOption,
		...helpOption,
	},
	details: [
		'All files are validated first; if any is invalid, nothing starts (exit 1).',
		'On a terminal a live table is redrawn in place; with --json, or when output is not a',
		'terminal, one JSON object per line per event ("event", "profile", and for outputs',
		'"server", "mount", "state"). SIGINT/SIGTERM stop everything cleanly and exit 0.',
		'`jdcast reload` or SIGHUP re-read the files; quote a glob ("profiles/*.yaml") to have',
		'files added later picked up. Other commands steer it through its control socket.',
		'With --seconds it exits 1 when nothing was on air at any moment of the run.',
	],
	needsFiles: true,
	async run({ values, positionals }) {
		const owner = ownerOption(values['exit-with']);
		const http = await httpSettings(values);
		const scheduleOption = typeof values.schedule === 'string' ? values.schedule : undefined;
		let files = await sortFiles(positionals, scheduleOption);
		if (files.twoSchedules) throw new UsageError(`jdcast up: ${twoSchedulesMessage(files.twoSchedules)}`);
		if (files.profiles.length === 0)
			throw new UsageError(
				`jdcast up: no profile files ${files.schedule === undefined ? 'match' : 'beside the schedule in'} ${positionals.join(' ')}`,
			);
		const loaded = await loadProfileFiles(files.profiles);
		printDiagnostics(loaded.diagnostics);
		if (!loaded.ok) return 1;
		const harbor = http && loaded.profiles.find((p) => p.input.kind === 'harbor' && p.input.port === http.port);
		if (harbor?.input.kind === 'harbor')
			throw new UsageError(
				`jdcast up: --http port ${http!.port} is the harbor port of ${formatLocation(harbor.input.at)}; give one of them another`,
			);
		return runForeground(loaded.profiles, {
			json: values.json === true,
			...(typeof values.socket === 'string' ? { socket: values.socket } : {}),
			...secondsOption(values.seconds),
			...(owner === undefined ? {} : { exitWith: owner }),
			...(http ? { http } : {}),
			// Read at start and after each reload's profiles: from the files as that reload found them.
			schedule: (profiles) => readSchedule(files.schedule, profiles),
			...(typeof values['now-playing-file'] === 'string'
				? { nowPlayingFile: path.resolve(values['now-playing-file']) }
				: {}),
			reload: async () => {
				const sorted = await sortFiles(positionals, scheduleOption, { missingOk: true });
				refuseTwoSchedules(sorted);
				// Off the event loop that moves the audio: a large file takes time to check.
				const again = await loadProfileFilesOffThread(sorted.profiles);
				if (!again.ok) throw new ProfileError(again.diagnostics);
				files = sorted;
				return again.profiles;
			},
		});
	},
};

/** The schedule file (none: no schedule), its problems a refusal with FILE:LINE:COL. */
async function readSchedule(file: string | undefined, profiles: string[]) {
	if (file === undefined) return undefined;
	const { schedule, diagnostics } = await loadScheduleFile(file, profiles);
	if (!schedule) throw new ProfileError(diagnostics, 'schedule');
	return schedule;
}

/** A reload that finds a second schedule is refused, as a start would be, naming both. */
function refuseTwoSchedules({ twoSchedules }: SortedFiles): void {
	if (!twoSchedules) return;
	throw new ProfileError(
		[{ file: twoSchedules[1], line: 1, col: 1, severity: 'error', message: twoSchedulesMessage(twoSchedules) }],
		'schedule',
	);
}

function ownerOption(value: unknown): Owner | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value))
		throw new UsageError('--exit-with takes a process ID (digits)');
	const pid = Number(value);
	if (pid === 1)
		throw new UsageError(
			'--exit-with 1: PID 1 (init) never exits; give the PID of the program jdcast should stop with',
		);
	// Its start time is read now: a PID reused before the watch begins is not taken for the owner.
	const owner = ownerOf(pid);
	if (!owner) throw new UsageError(`--exit-with: no process ${pid} is running`);
	return owner;
}

export function secondsOption(value: unknown): { seconds?: number } {
	if (value === undefined) return {};
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--seconds takes a positive number');
	return { seconds };
}
