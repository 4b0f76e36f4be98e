import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong words on the command line: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {
	readonly code = 'E_USAGE';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
	description: string;
	placeholder?: string;
};

export interface CommandSpec {
	name: string;
	summary: string;
	usage: string;
	options: Record<string, OptionSpec>;
	/** Lines after the options in `--help`. */
	details?: string[];
}

export function parseCommandArgs(
	spec: CommandSpec,
	argv: string[],
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
	try {
		const { values, positionals } = parseArgs({
			args: argv,
			options: Object.fromEntries(
				Object.entries(spec.options).map(([k, { description: _d, placeholder: _p, ...o }]) => [k, o]),
			),
			allowPositionals: true,
			strict: true,
		});
		return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
	} catch (error) {
		throw new UsageError(`jdcast ${spec.name}: ${(error as Error).message.split('\n')[0]}`);
	}
}

export function helpText(spec: CommandSpec): string {
	const rows = Object.entries(spec.options).map(([name, o]) => {
		const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}`;
		return `  ${flag.padEnd(28)} ${o.description}`;
	});
	return [
		`Usage: ${spec.usage}`,
		'',
		spec.summary,
		'',
		'Options:',
		...rows,
		...(spec.details ? ['', ...spec.details] : []),
		'',
	].join('\n');
}
