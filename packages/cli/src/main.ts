import { JdcastError } from '@jdcast/core';
import { closest } from '@jdcast/core/internal';
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
		'Run `jdcast help COMMAND` (or `jdcast COMMAND --help`) for the options of a command;',
		'`jdcast --version` (-v) for the version.',
		'',
	].join('\n');
}

/** Runs the CLI and returns the exit status: 0 ok, 1 a problem with the input, 2 wrong usage. */
export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	// `jdcast help COMMAND` is `jdcast COMMAND --help`.
	if (name === 'help' && rest.length > 0) return main([rest[0]!, '--help']);
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(mainHelp());
		return name === undefined ? 2 : 0;
	}
	if (name === '--version' || name === '-V' || name === '-v') {
		process.stdout.write(`${VERSION}\n`);
		return 0;
	}
	try {
		const command = commands.find((c) => c.name === name);
		if (!command) {
			const near = closest(
				name,
				commands.map((c) => c.name),
			);
			throw new UsageError(
				`jdcast: unknown command "${name}"${near ? `; did you mean \`${near}\`?` : '.'} Commands are ${commands.map((c) => c.name).join(', ')}.`,
			);
		}
		const { values, positionals } = parseCommandArgs(command, rest);
		if (values.help) {
			process.stdout.write(helpText(command));
			return 0;
		}
		if (command.maxArgs !== undefined && positionals.length > command.maxArgs) {
			throw new UsageError(
				`jdcast ${name}: takes ${command.maxArgs === 0 ? 'no arguments' : `at most ${command.maxArgs}`}, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
			);
		}
		const needsFiles = typeof command.needsFiles === 'function' ? command.needsFiles(values) : command.needsFiles;
		if (needsFiles && positionals.length === 0) throw new UsageError(`jdcast ${name}: no profile files given`);
		return await command.run({ values, positionals });
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(
				`${error.message}\nRun \`jdcast ${commands.some((c) => c.name === name) ? `${name} ` : ''}--help\` for usage.\n`,
			);
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
