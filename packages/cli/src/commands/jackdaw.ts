import path from 'node:path';
import { UsageError } from '../args.js';
import { selfCommand } from '../node-flags.js';
import { helpOption, type Command } from './command.js';

/** Loaded when a jackdaw action runs, not at every start of jdcast. */
const plugin = () => import('@jdcast/jackdaw-plugin');

/** `--config JSON`, or `--config -`: the JSON on standard input (how the bridge sends it: no password in argv). */
async function configOf(value: unknown) {
	if (typeof value !== 'string') return {};
	const { parseConfig } = await plugin();
	try {
		return parseConfig(value === '-' ? await readStdin() : value);
	} catch (error) {
		throw new UsageError(`jdcast jackdaw: --config: ${(error as Error).message}`);
	}
}

const MAX_CONFIG_BYTES = 64 * 1024;

async function readStdin(): Promise<string> {
	let text = '';
	for await (const chunk of process.stdin) {
		text += String(chunk);
		if (text.length > MAX_CONFIG_BYTES)
			throw new Error(`the config on standard input is larger than ${MAX_CONFIG_BYTES / 1024} KiB`);
	}
	return text;
}

function installedMessage(
	dir: string,
	file: string,
	backup: string | undefined,
	config: { file: string; enabled: boolean | undefined; problem?: string } | undefined,
	command: string[],
): string {
	const lines = [`installed ${file}`];
	if (backup) lines.push(`the previous plugin is kept as ${backup} (jdcast jackdaw uninstall puts it back)`);
	lines.push(`it runs ${command.join(' ')}: after moving Node or jdcast, run \`jdcast jackdaw install ${dir}\` again`);
	lines.push('next:');
	if (config?.problem)
		lines.push(
			`  - fix ${config.file}: ${config.problem}; then add "icecast_streamer": {"enabled": true, ...} under "plugins"`,
		);
	else if (!config)
		lines.push(
			`  - add "icecast_streamer": {"enabled": true, ...} under "plugins" in ${path.join(dir, 'voice_assistant_config.json')} (keys: packages/jackdaw-plugin/README.md)`,
		);
	else if (config.enabled === undefined)
		lines.push(
			`  - add "icecast_streamer": {"enabled": true, ...} under "plugins" in ${config.file} (keys: packages/jackdaw-plugin/README.md)`,
		);
	else if (!config.enabled)
		lines.push(`  - the plugin is disabled: set plugins.icecast_streamer.enabled to true in ${config.file}`);
	lines.push('  - restart the voice assistant, then say "start streaming"');
	return `${lines.join('\n')}\n`;
}

export const jackdaw: Command = {
	name: 'jackdaw',
	summary: 'The Jackdaw voice plugin: install it into a Jackdaw checkout, or answer a phrase as it does.',
	usage:
		'jdcast jackdaw install JACKDAW_DIR | uninstall JACKDAW_DIR | say PHRASE --config JSON|- [--owner PID] | cleanup --config JSON|-',
	options: {
		config: {
			type: 'string',
			description: "the plugin's config dict (plugins.icecast_streamer) as JSON",
			placeholder: 'JSON',
		},
		owner: {
			type: 'string',
			description: 'say: the PID of the voice client; a jdcast started for it stops when it exits',
			placeholder: 'PID',
		},
		...helpOption,
	},
	details: [
		'install    writes plugins/icecast_streamer.py (the old file is kept as .before-jdcast)',
		'uninstall  puts the old file back',
		'say        answers what was heard ("start streaming", "stream status", ...) with one',
		'           line of JSON: {"reply": "what Jackdaw speaks", "ok": true, "details": [...]}',
		'cleanup    stops the jdcast up the plugin started',
		'See packages/jackdaw-plugin/README.md.',
	],
	async run({ values, positionals }) {
		const [action, ...rest] = positionals;
		switch (action) {
			case 'install': {
				if (rest.length !== 1) throw new UsageError('jdcast jackdaw install: give the Jackdaw folder');
				const { installBridge } = await plugin();
				const dir = path.resolve(rest[0]!);
				const command = selfCommand();
				const { file, backup, config } = await installBridge(dir, command);
				process.stderr.write(installedMessage(dir, file, backup, config, command));
				return 0;
			}
			case 'uninstall': {
				if (rest.length !== 1) throw new UsageError('jdcast jackdaw uninstall: give the Jackdaw folder');
				const { uninstallBridge } = await plugin();
				const { restored } = await uninstallBridge(path.resolve(rest[0]!));
				process.stderr.write(
					restored ? 'the previous plugin is back\n' : 'removed the jdcast plugin (there was no previous one)\n',
				);
				return 0;
			}
			case 'say': {
				if (rest.length === 0) throw new UsageError('jdcast jackdaw say: give the PHRASE heard');
				const { respond } = await plugin();
				const owner = Number(values.owner);
				const answer = await respond(rest.join(' '), await configOf(values.config), {
					command: selfCommand(),
					...(Number.isInteger(owner) && owner > 0 ? { owner } : {}),
				});
				process.stdout.write(`${JSON.stringify(answer)}\n`);
				return answer.ok ? 0 : 1;
			}
			case 'cleanup':
				await (await plugin()).stopLaunched(await configOf(values.config));
				return 0;
			default:
				throw new UsageError(
					`jdcast jackdaw: unknown action ${JSON.stringify(action ?? '')}; actions are install, uninstall, say, cleanup`,
				);
		}
	},
};
