import { hasErrors, loadProfileFiles, loadScheduleFile } from '@jdcast/core';
import { fromJackdawConfigFile } from '@jdcast/core/jackdaw';
import { helpOption, type Command } from './command.js';
import { printDiagnostics } from '../output/diagnostics.js';

export const validate: Command = {
	name: 'validate',
	summary: 'Check profiles (and a Jackdaw config) and print every problem as FILE:LINE:COL: message.',
	usage: 'jdcast validate [--jackdaw CONFIG.json] [--schedule FILE] FILES...',
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
	details: ['Exit status: 0 all valid (warnings allowed), 1 a problem found, 2 wrong usage.'],
	needsFiles: (values) => values.jackdaw === undefined,
	async run({ values, positionals }) {
		const loaded = await loadProfileFiles(positionals);
		const diagnostics = [...loaded.diagnostics];
		if (typeof values.jackdaw === 'string')
			diagnostics.push(...(await fromJackdawConfigFile(values.jackdaw)).diagnostics);
		if (typeof values.schedule === 'string')
			diagnostics.push(
				...(
					await loadScheduleFile(
						values.schedule,
						loaded.profiles.map((p) => p.name),
					)
				).diagnostics,
			);
		printDiagnostics(diagnostics);
		const count = positionals.length + (values.jackdaw ? 1 : 0) + (values.schedule ? 1 : 0);
		if (hasErrors(diagnostics)) return 1;
		process.stderr.write(`${count} file${count === 1 ? '' : 's'} valid\n`);
		return 0;
	},
};
