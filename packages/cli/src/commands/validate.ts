import { hasErrors, loadProfileFiles, loadScheduleFile } from '@jdcast/core';
import { fromJackdawConfigFile } from '@jdcast/core/jackdaw';
import { UsageError } from '../args.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { sortFiles, twoSchedulesMessage } from '../run/profile-files.js';
import { helpOption, type Command } from './command.js';

export const validate: Command = {
	name: 'validate',
	summary: 'Check profiles (and a Jackdaw config) and print every problem as FILE:LINE:COL: message.',
	usage: 'jdcast validate [--jackdaw CONFIG.json] [--schedule FILE] FILES|"GLOBS"...',
	options: {
		jackdaw: {
			type: 'string',
			description: "read Jackdaw's voice_assistant_config.json (plugins.icecast_streamer)",
			placeholder: 'FILE',
		},
		schedule: {
			type: 'string',
			description: 'check a schedule file too, and that the profiles it names are among FILES',
			placeholder: 'FILE',
		},
		...helpOption,
	},
	details: [
		'Globs are expanded as `jdcast up` expands them; a schedule among FILES is checked as with --schedule.',
		'Problems go to standard error, the count of valid files to standard output.',
		'Exit status: 0 all valid (warnings allowed), 1 a problem found, 2 wrong usage.',
	],
	needsFiles: (values) => values.jackdaw === undefined,
	async run({ values, positionals }) {
		const files = await sortFiles(positionals, typeof values.schedule === 'string' ? values.schedule : undefined);
		if (files.twoSchedules) throw new UsageError(`jdcast validate: ${twoSchedulesMessage(files.twoSchedules)}`);
		if (positionals.length > 0 && files.profiles.length === 0 && files.schedule === undefined)
			throw new UsageError(`jdcast validate: no profile files match ${positionals.join(' ')}`);
		const loaded = await loadProfileFiles(files.profiles);
		const diagnostics = [...loaded.diagnostics];
		if (typeof values.jackdaw === 'string')
			diagnostics.push(...(await fromJackdawConfigFile(values.jackdaw)).diagnostics);
		if (files.schedule !== undefined)
			diagnostics.push(
				...(
					await loadScheduleFile(
						files.schedule,
						loaded.profiles.map((p) => p.name),
					)
				).diagnostics,
			);
		printDiagnostics(diagnostics);
		const count = files.profiles.length + (values.jackdaw ? 1 : 0) + (files.schedule === undefined ? 0 : 1);
		if (hasErrors(diagnostics)) return 1;
		// The result, apart from the problems: a script reads it on standard output.
		process.stdout.write(`${count} file${count === 1 ? '' : 's'} valid\n`);
		return 0;
	},
};
