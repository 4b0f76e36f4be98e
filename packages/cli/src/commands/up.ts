import { loadProfileFiles, loadProfileFilesOffThread, loadScheduleFile, ProfileError } from '@jdcast/core';
import { expandProfilePaths, ownerOf, type Owner } from '@jdcast/core/internal';
import path from 'node:path';
import { UsageError } from '../args.js';

import { printDiagnostics } from '../output/diagnostics.js';
import { runForeground } from '../run/foreground.js';
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
			description: 'a schedule file: which profile holds the shared mounts when (handed over at the boundaries)',
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
	],
	needsFiles: true,
	async run({ values, positionals }) {
		const owner = ownerOption(values['exit-with']);
		const http = await httpSettings(values);
		const files = await expandProfilePaths(positionals);
		if (files.length === 0) throw new UsageError(`jdcast up: no profile files match ${positionals.join(' ')}`);
		const loaded = await loadProfileFiles(files);
		printDiagnostics(loaded.diagnostics);
		if (!loaded.ok) return 1;
		return runForeground(loaded.profiles, {
			json: values.json === true,
			...(typeof values.socket === 'string' ? { socket: values.socket } : {}),
			...secondsOption(values.seconds),
			...(owner === undefined ? {} : { exitWith: owner }),
			...(http ? { http } : {}),
			...(typeof values.schedule === 'string' ? { schedule: scheduleReader(values.schedule) } : {}),
			...(typeof values['now-playing-file'] === 'string'
				? { nowPlayingFile: path.resolve(values['now-playing-file']) }
				: {}),
			reload: async () => {
				// Off the event loop that moves the audio: a large file takes time to check.
				const again = await loadProfileFilesOffThread(await expandProfilePaths(positionals, { missingOk: true }));
				if (!again.ok) throw new ProfileError(again.diagnostics);
				return again.profiles;
			},
		});
	},
};

/** The schedule file, read at start and at every reload, its problems a refusal with FILE:LINE:COL. */
function scheduleReader(file: string) {
	return async (profiles: string[]) => {
		const { schedule, diagnostics } = await loadScheduleFile(file, profiles);
		if (!schedule) throw new ProfileError(diagnostics);
		return schedule;
	};
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
