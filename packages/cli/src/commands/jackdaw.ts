import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../args.js';
import { helpOption, type Command } from './command.js';

/** How to run this very jdcast again: node and the CLI's entry file. */
function ownCommand(): string[] {
	return [process.execPath, realpathSync(process.argv[1]!)];
}

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
		if (text.length > MAX_CONFIG_BYTES) throw new Error(`the config on standard input is larger than ${MAX_CONFIG_BYTES / 1024} KiB`);
	}
	return text;
}

export const jackdaw: Command = {
	name: 'jackdaw',
	summary: 'The Jackdaw voice plugin: install it into a Jackdaw checkout, or answer a phrase as it does.',
	usage: 'jdcast jackdaw install JACKDAW_DIR | uninstall JACKDAW_DIR | say PHRASE --config JSON|- | cleanup --config JSON|-',
	options: {
		config: { type: 'string', description: "the plugin's config dict (plugins.icecast_streamer) as JSON", placeholder: 'JSON' },
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
				const { file, backup } = await installBridge(path.resolve(rest[0]!), ownCommand());
				process.stderr.write(`installed ${file}${backup ? `\nthe previous plugin is kept as ${backup}` : ''}\n`);
				return 0;
			}
			case 'uninstall': {
				if (rest.length !== 1) throw new UsageError('jdcast jackdaw uninstall: give the Jackdaw folder');
				const { uninstallBridge } = await plugin();
				const { restored } = await uninstallBridge(path.resolve(rest[0]!));
				process.stderr.write(restored ? 'the previous plugin is back\n' : 'removed the jdcast plugin (there was no previous one)\n');
				return 0;
			}
			case 'say': {
				if (rest.length === 0) throw new UsageError('jdcast jackdaw say: give the PHRASE heard');
				const { respond } = await plugin();
				const answer = await respond(rest.join(' '), await configOf(values.config), { command: ownCommand() });
				process.stdout.write(`${JSON.stringify(answer)}\n`);
				return answer.ok ? 0 : 1;
			}
			case 'cleanup':
				await (await plugin()).stopLaunched(await configOf(values.config));
				return 0;
			default:
				throw new UsageError(`jdcast jackdaw: unknown action ${JSON.stringify(action ?? '')}; actions are install, uninstall, say, cleanup`);
		}
	},
};
