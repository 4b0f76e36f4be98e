import { loadProfileFiles } from '@jdcast/core';
import { UsageError } from '../args.js';
import { helpOption, jsonOption, type Command } from './command.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { runForeground } from '../run/foreground.js';

export const up: Command = {
	name: 'up',
	summary: 'Run profiles in the foreground: every stream, recording and JACK connection, until Ctrl-C.',
	usage: 'jdcast up [--json] FILES...',
	options: {
		...jsonOption,
		seconds: { type: 'string', description: 'stop by itself after this many seconds', placeholder: 'N' },
		...helpOption,
	},
	details: [
		'All files are validated first; if any is invalid, nothing starts (exit 1).',
		'On a terminal a live table is redrawn in place; with --json, or when output is not a',
		'terminal, one JSON object per line per event ("event", "profile", and for outputs',
		'"server", "mount", "state"). SIGINT/SIGTERM stop everything cleanly and exit 0.',
	],
	needsFiles: true,
	async run({ values, positionals }) {
		const loaded = await loadProfileFiles(positionals);
		printDiagnostics(loaded.diagnostics);
		if (!loaded.ok) return 1;
		return runForeground(loaded.profiles, { json: values.json === true, ...secondsOption(values.seconds) });
	},
};

export function secondsOption(value: unknown): { seconds?: number } {
	if (value === undefined) return {};
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--seconds takes a positive number');
	return { seconds };
}
