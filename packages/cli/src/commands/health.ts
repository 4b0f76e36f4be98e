import { helpOption, jsonOption, type Command } from './command.js';
import { EXIT_NOT_RUNNING, socketOption, withController } from './control.js';

export const health: Command = {
	name: 'health',
	summary: 'Say whether anything hurts listeners now (exit 1, one line per problem) or nothing does (exit 0).',
	usage: 'jdcast health [--json] [--socket PATH]',
	maxArgs: 0,
	options: { ...jsonOption, ...socketOption, ...helpOption },
	details: [
		'For cron and monitoring scripts: the same answer as GET /healthz of `jdcast up --http`.',
		'Exit status: 0 healthy, 1 a problem (one line each), 3 no jdcast up running on the socket.',
	],
	run: async ({ values }) => {
		const code = await withController(values, async (client) => {
			const answer = await client.health();
			if (values.json) process.stdout.write(`${JSON.stringify(answer)}\n`);
			else
				process.stdout.write(
					answer.ok
						? 'ok: nothing hurts listeners (every mount fed, nothing silent on air, every recording writing)\n'
						: answer.problems.map((p) => `${p}\n`).join(''),
				);
			return answer.ok ? 0 : 1;
		});
		// Nothing answers: for a monitoring script that reads JSON, that is an answer too.
		if (code === EXIT_NOT_RUNNING && values.json)
			process.stdout.write(`${JSON.stringify({ ok: false, problems: ['no jdcast up is running'] })}\n`);
		return code;
	},
};
