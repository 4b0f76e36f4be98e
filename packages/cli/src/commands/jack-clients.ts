import type { ControlClient, JackClientAnswer } from '@jdcast/core';
import { clientOf } from '@jdcast/core/internal';
import { UsageError } from '../args.js';
import { helpOption, type Command } from './command.js';
import { socketOption, withController } from './control.js';

/** What the profile's input has afterwards, in one or two lines. */
function describe(answer: JackClientAnswer): string {
	const sources = [...new Set(answer.connections.map(([from]) => clientOf(from)))];
	const held = answer.held.length > 0 ? `\nkept off until its next start or reload: ${answer.held.join(', ')}` : '';
	return `${answer.profile} hears: ${sources.join(', ') || 'nothing'}${held}\n`;
}

/** Runs `jdcast COMMAND PROFILE CLIENT` against the running jdcast up and prints what the input hears after it. */
function runOn(
	command: 'connect' | 'disconnect',
	call: (control: ControlClient, profile: string, client: string) => Promise<JackClientAnswer>,
): Command['run'] {
	return ({ values, positionals }) => {
		if (positionals.length !== 2)
			throw new UsageError(`jdcast ${command}: give PROFILE and CLIENT (a JACK client's name)`);
		const [profile, client] = positionals as [string, string];
		return withController(values, async (control) => {
			process.stdout.write(describe(await call(control, profile, client)));
			return 0;
		});
	};
}

export const disconnect: Command = {
	name: 'disconnect',
	summary: "Take a JACK client off a profile's input until the profile's next start or reload.",
	usage: 'jdcast disconnect PROFILE CLIENT [--socket PATH]',
	options: { ...socketOption, ...helpOption },
	details: [
		"Removes every connection from CLIENT into PROFILE's JACK client and keeps them off: its",
		'`connect` rules no longer bring CLIENT back (they hold otherwise, whoever removes a connection),',
		'nor does what jdcast remembers of connections made by hand. `jdcast connect PROFILE CLIENT`,',
		'a restart or a reload of the profile puts it back. Exit status: 0 done; 1 refused (unknown',
		'profile, not running, not a JACK input); 3 no jdcast up running.',
	],
	run: runOn('disconnect', (control, profile, client) => control.disconnectClient(profile, client)),
};

export const connect: Command = {
	name: 'connect',
	summary: "Put a JACK client back on a profile's input, or connect one no rule names.",
	usage: 'jdcast connect PROFILE CLIENT [--socket PATH]',
	options: { ...socketOption, ...helpOption },
	details: [
		'Undoes `jdcast disconnect PROFILE CLIENT`. A client no `connect` rule names is connected whole',
		'(its audio outputs in order to input_1, input_2, …; a mono one to every input) and kept',
		"connected as a rule would keep it, until the profile's next start or reload. What the input",
		'hears afterwards is printed (a client not active yet, JackTrip before its peer, comes later).',
		'Exit status: 0 done; 1 refused (no such client with audio outputs, unknown profile, not',
		'running); 3 no jdcast up running.',
	],
	run: runOn('connect', (control, profile, client) => control.connectClient(profile, client)),
};
