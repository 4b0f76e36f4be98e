import type { Command } from './command.js';
import { helpOption } from './command.js';
import { socketOption, withController } from './control.js';
import { UsageError } from '../args.js';

function profileCommand(name: 'start' | 'stop'): Command {
	return {
		name,
		summary:
			name === 'start'
				? 'Start one stopped profile of the running jdcast up.'
				: 'Stop one profile of the running jdcast up; the others go on untouched.',
		usage: `jdcast ${name} PROFILE [--socket PATH]`,
		options: { ...socketOption, ...helpOption },
		details: ['Exit status: 0 done, 1 no such profile (the known ones are named), 3 no jdcast up running.'],
		run: ({ values, positionals }) => {
			if (positionals.length !== 1) throw new UsageError(`jdcast ${name}: give exactly one PROFILE`);
			const profile = positionals[0]!;
			return withController(values, async (client) => {
				const result = name === 'start' ? await client.startProfile(profile) : await client.stopProfile(profile);
				process.stdout.write(`${result.profile}: ${result.state}\n`);
				return 0;
			});
		},
	};
}

export const start = profileCommand('start');
export const stop = profileCommand('stop');
