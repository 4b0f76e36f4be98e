import { JdcastError } from '@jdcast/core';
import { helpText, parseCommandArgs, UsageError } from './args.js';
import { commands } from './commands/index.js';

const VERSION = '0.1.0';

function mainHelp(): string {
	const width = Math.max(...commands.map((c) => c.name.length));
	return [
		'Usage: jdcast COMMAND [OPTIONS] [FILES...]',
		'',
		'Broadcast live audio from a JACK graph to Icecast: many mounts, one encode.',
		'',
		'Commands:',
		...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Run `jdcast COMMAND --help` for the options of a command.',
		'',
	].join('\n');
}

/** Runs the CLI and returns the exit status: 0 ok, 1 a problem with the input, 2 wrong usage. */
export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(mainHelp());
		return name === undefined ? 2 : 0;
	}
	if (name === '--version' || name === '-V') {
		process.stdout.write(`${VERSION}\n`);
		return 0;
	}
	try {
		const command = commands.find((c) => c.name === name);
		if (!command) throw new UsageError(`jdcast: unknown command "${name}"; commands are ${commands.map((c) => c.name).join(', ')}`);
		const { values, positionals } = parseCommandArgs(command, rest);
		if (values.help) {
			process.stdout.write(helpText(command));
			return 0;
		}
		const needsFiles = typeof command.needsFiles === 'function' ? command.needsFiles(values) : command.needsFiles;
		if (needsFiles && positionals.length === 0) throw new UsageError(`jdcast ${name}: no profile files given`);
		return await command.run({ values, positionals });
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`${error.message}\nRun \`jdcast ${commands.some((c) => c.name === name) ? `${name} ` : ''}--help\` for usage.\n`);
			return 2;
		}
		if (error instanceof JdcastError && error.userFacing) {
			process.stderr.write(`jdcast: ${error.message}\n`);
			return 1;
		}
		// Anything else still gets one sentence, not a stack trace (JDCAST_DEBUG=1 shows it).
		if (process.env.JDCAST_DEBUG) throw error;
		process.stderr.write(`jdcast: ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
		return 1;
	}
}
