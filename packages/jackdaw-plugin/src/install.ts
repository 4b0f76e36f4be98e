import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JdcastError } from '@jdcast/core';
import { readSmallFile, type SmallFileError } from '@jdcast/core/internal';

const MAX_CONFIG_BYTES = 1024 * 1024;

// Resolved by package name, so that it is found from the bundled CLI too.
const bridgeSource = () => new URL(import.meta.resolve('@jdcast/jackdaw-plugin/python/icecast_streamer.py'));
const BACKUP_SUFFIX = '.before-jdcast';

/** The file Jackdaw's loader imports for `plugins.icecast_streamer`. */
export function bridgePath(jackdawDir: string): string {
	return path.join(jackdawDir, 'plugins', 'icecast_streamer.py');
}

export interface Installed {
	file: string;
	/** Where the previous plugin was kept, when this install kept it. */
	backup: string | undefined;
	/** Jackdaw's config file, and what it says of `plugins.icecast_streamer.enabled` (undefined: no such section). */
	config: { file: string; enabled: boolean | undefined; problem?: string } | undefined;
}

/**
 * Writes the Python bridge into a Jackdaw checkout as plugins/icecast_streamer.py, with the
 * jdcast command line filled in. An existing file (the old plugin) is kept as
 * icecast_streamer.py.before-jdcast, once: installing again does not overwrite that backup, and
 * rewrites the command line (after node or jdcast moved).
 */
export async function installBridge(jackdawDir: string, command: string[]): Promise<Installed> {
	if (
		!(await stat(jackdawDir).then(
			(s) => s.isDirectory(),
			() => false,
		))
	)
		throw new JdcastError('E_JACKDAW_DIR', `${jackdawDir} is not a folder: give the folder Jackdaw was cloned into`);
	// What the bridge imports: a folder without it is not a Jackdaw checkout, whatever else it has.
	if (
		!(await stat(path.join(jackdawDir, 'plugin_base.py')).then(
			(s) => s.isFile(),
			() => false,
		))
	) {
		throw new JdcastError(
			'E_JACKDAW_DIR',
			`${jackdawDir} is not a Jackdaw checkout (it has no plugin_base.py): give the folder Jackdaw was cloned into`,
		);
	}
	const file = bridgePath(jackdawDir);
	const cannot = (error: unknown): never => {
		throw new JdcastError(
			'E_JACKDAW_WRITE',
			`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
		);
	};
	await mkdir(path.join(jackdawDir, 'plugins'), { recursive: true }).catch(cannot);
	let kept: string | undefined;
	const existing = await readFile(file, 'utf8').catch(() => undefined);
	// The user's own plugin is never lost: the first is kept as .before-jdcast, a later one beside it.
	if (existing !== undefined && !existing.includes('JDCAST_COMMAND')) {
		kept = await freeBackupName(file);
		await copyFile(file, kept).catch(cannot);
	}
	const source = (await readFile(bridgeSource(), 'utf8')).replace(
		/^JDCAST_COMMAND = None$/m,
		`JDCAST_COMMAND = ${JSON.stringify(command)}`,
	);
	await writeFile(file, source).catch(cannot);
	return { file, backup: kept, config: await pluginEnabled(jackdawDir) };
}

/** `ICECAST.before-jdcast`, or `.before-jdcast.2`, `.3`, … when that is taken. */
async function freeBackupName(file: string): Promise<string> {
	for (let n = 1; ; n++) {
		const name = `${file}${BACKUP_SUFFIX}${n === 1 ? '' : `.${n}`}`;
		if (!(await exists(name))) return name;
	}
}

/**
 * What Jackdaw's voice_assistant_config.json says of `plugins.icecast_streamer.enabled` (its
 * example has it false); `problem` when the file cannot be read as a Jackdaw config.
 */
async function pluginEnabled(jackdawDir: string): Promise<Installed['config']> {
	const file = path.join(jackdawDir, 'voice_assistant_config.json');
	let text: string;
	try {
		text = (await readSmallFile(file, MAX_CONFIG_BYTES)).toString('utf8');
	} catch (error) {
		const { kind, reason } = error as SmallFileError;
		return kind === 'ENOENT' ? undefined : { file, enabled: undefined, problem: `it ${reason}` };
	}
	let config: unknown;
	try {
		config = JSON.parse(text);
	} catch {
		return { file, enabled: undefined, problem: 'it is not valid JSON' };
	}
	const plugins = (config as { plugins?: unknown } | null)?.plugins;
	if (plugins !== undefined && (typeof plugins !== 'object' || plugins === null || Array.isArray(plugins)))
		return { file, enabled: undefined, problem: '"plugins" in it is not an object' };
	const section = (plugins as { icecast_streamer?: unknown } | undefined)?.icecast_streamer;
	if (section === undefined) return { file, enabled: undefined };
	if (typeof section !== 'object' || section === null || Array.isArray(section))
		return { file, enabled: undefined, problem: '"plugins.icecast_streamer" in it is not an object' };
	return { file, enabled: (section as { enabled?: unknown }).enabled === true };
}

/** Puts the backed-up file back (or removes the bridge when there was none). */
export async function uninstallBridge(jackdawDir: string): Promise<{ restored: boolean }> {
	const file = bridgePath(jackdawDir);
	const backup = `${file}${BACKUP_SUFFIX}`;
	if (
		await stat(backup).then(
			(s) => s.isFile(),
			() => false,
		)
	) {
		await rename(backup, file);
		return { restored: true };
	}
	const current = await readFile(file, 'utf8').catch(() => undefined);
	if (current?.includes('JDCAST_COMMAND')) await rm(file);
	return { restored: false };
}

function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false,
	);
}
