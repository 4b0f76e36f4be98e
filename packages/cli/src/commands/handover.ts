import { JdcastError } from '@jdcast/core';
import { UsageError } from '../args.js';
import { helpOption, type Command } from './command.js';
import { socketOption, withController } from './control.js';

export const handover: Command = {
	name: 'handover',
	summary: 'Hand the shared mounts of one profile (DJ) to another: listeners stay connected.',
	usage: 'jdcast handover FROM TO [--force] [--stop] [--socket PATH]',
	options: {
		force: { type: 'boolean', description: "hand over even when TO's input is silent" },
		stop: { type: 'boolean', description: 'stop the whole FROM profile afterwards (else only its shared mounts)' },
		...socketOption,
		...helpOption,
	},
	details: [
		'TO is started if it is stopped. Each mount marked `shared: true` in both goes from FROM to TO',
		"on FROM's own connection, so its listeners stay connected; FROM's other mounts and its",
		"recordings go on unless --stop. Prints, per mount, the time between the two DJs' audio.",
		"Exit status: 0 done; 1 refused, nothing changed (TO's input is silent, no shared mount, an",
		'unknown profile); 3 no jdcast up running.',
	],
	run: ({ values, positionals }) => {
		if (positionals.length !== 2) throw new UsageError('jdcast handover: give FROM and TO (profile names)');
		const [from, to] = positionals as [string, string];
		return withController(values, async (client) => {
			let result;
			try {
				result = await client.handover(from, to, { force: values.force === true, stop: values.stop === true });
			} catch (error) {
				if (!(error instanceof JdcastError && error.code === 'E_HANDOVER_SILENT')) throw error;
				process.stderr.write(`jdcast: ${error.message} (--force hands over anyway)\n`);
				return 1;
			}
			for (const m of result.mounts) {
				process.stdout.write(
					`${m.mount} on ${m.server}: ${from} → ${to}${m.gapMs === null ? ` (${from} was not on air there; ${to} takes it when free)` : `, ${m.gapMs} ms between them`}\n`,
				);
			}
			return 0;
		});
	},
};
