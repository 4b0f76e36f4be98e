import { helpOption, jsonOption, type Command } from './command.js';
import { socketOption, withController } from './control.js';
import { renderTable, wantsColor } from '../output/status-table.js';
import { summaryLine } from '../output/summary.js';

export const status: Command = {
	name: 'status',
	summary: 'Show what the running jdcast up is doing: every output, its state, listeners and last error.',
	usage: 'jdcast status [--json] [--socket PATH]',
	maxArgs: 0,
	options: { ...jsonOption, ...socketOption, ...helpOption },
	details: [
		'The first line sums it up: "streaming Opus at 96 kbps to /live.opus on main, 3 listeners, on air',
		'12:04". Exit status: 0 fine, 3 no jdcast up running on the socket.',
	],
	run: ({ values }) =>
		withController(values, async (client) => {
			const snapshot = await client.status();
			process.stdout.write(
				values.json
					? `${JSON.stringify(snapshot, null, 2)}\n`
					: `${summaryLine(snapshot)}\n${renderTable(snapshot, { color: wantsColor(process.stdout), width: process.stdout.columns || 80 })}\n`,
			);
			return 0;
		}),
};
