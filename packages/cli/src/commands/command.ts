import type { CommandSpec, OptionSpec } from '../args.js';

export interface CommandContext {
	values: Record<string, string | boolean | string[] | undefined>;
	positionals: string[];
}

export interface Command extends CommandSpec {
	/** Whether the command needs at least one FILE; a function when a flag can stand in for files. */
	needsFiles?: boolean | ((values: CommandContext['values']) => boolean);
	/** The most arguments (besides options) it takes; more are refused (exit 2). Default: any. */
	maxArgs?: number;
	run(context: CommandContext): Promise<number>;
}

export const helpOption: Record<string, OptionSpec> = {
	help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export const jsonOption: Record<string, OptionSpec> = {
	json: { type: 'boolean', description: 'print JSON instead of text' },
};
