import { helpOption, type Command } from './command.js';
import { socketOption, withController } from './control.js';

export const reload: Command = {
	name: 'reload',
	summary: 'Make the running jdcast up re-read its profile files (as SIGHUP does).',
	usage: 'jdcast reload [--socket PATH]',
	maxArgs: 0,
	options: { ...socketOption, ...helpOption },
	details: [
		'Unchanged profiles keep streaming untouched, changed ones restart, removed ones stop, new',
		'ones start. If any file is now invalid, the reload is refused with its FILE:LINE:COL errors',
		'and everything keeps running as it was (exit 1).',
	],
	run: ({ values }) =>
		withController(values, async (client) => {
			const r = await client.reload();
			const line = (what: string, names: string[]) => (names.length ? `${what}: ${names.join(', ')}\n` : '');
			process.stdout.write(
				`${line('started', r.started)}${line('restarted', r.restarted)}${line('stopped', r.stopped)}${line('unchanged', r.unchanged)}` ||
					'nothing to do\n',
			);
			return 0;
		}),
};
