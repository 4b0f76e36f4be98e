import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JdcastError } from '@jdcast/core';

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
	config: { file: string; enabled: boolean | undefined } | undefined;
}

/**
 * Writes the Python bridge into a Jackdaw checkout as plugins/icecast_streamer.py, with the
 * jdcast command line filled in. An existing file (the old plugin) is kept as
 * icecast_streamer.py.before-jdcast, once: installing again does not overwrite that backup, and
 * rewrites the command line (after node or jdcast moved).
 */
export async function installBridge(jackdawDir: string, command: string[]): Promise<Installed> {
	if (!(await stat(jackdawDir).then((s) => s.isDirectory(), () => false))) throw new JdcastError('E_JACKDAW_DIR', `${jackdawDir} is not a folder: give the folder Jackdaw was cloned into`);
	// What the bridge imports: a folder without it is not a Jackdaw checkout, whatever else it has.
	if (!(await exists(path.join(jackdawDir, 'plugin_base.py')))) throw new JdcastError('E_JACKDAW_DIR', `${jackdawDir} is not a Jackdaw checkout (it has no plugin_base.py): give the folder Jackdaw was cloned into`);
	await mkdir(path.join(jackdawDir, 'plugins'), { recursive: true });
	const file = bridgePath(jackdawDir);
	const backup = `${file}${BACKUP_SUFFIX}`;
	let kept: string | undefined;
	const existing = await readFile(file, 'utf8').catch(() => undefined);
	if (existing !== undefined && !existing.includes('JDCAST_COMMAND') && !(await exists(backup))) {
		await copyFile(file, backup);
		kept = backup;
	}
	const source = (await readFile(bridgeSource(), 'utf8')).replace(/^JDCAST_COMMAND = None$/m, `JDCAST_COMMAND = ${JSON.stringify(command)}`);
	await writeFile(file, source);
	return { file, backup: kept, config: await pluginEnabled(jackdawDir) };
}

/** `plugins.icecast_streamer.enabled` in Jackdaw's voice_assistant_config.json (Jackdaw's example has it false). */
async function pluginEnabled(jackdawDir: string): Promise<Installed['config']> {
	const file = path.join(jackdawDir, 'voice_assistant_config.json');
	const text = await readFile(file, 'utf8').catch(() => undefined);
	if (text === undefined) return undefined;
	try {
		const section = (JSON.parse(text) as { plugins?: { icecast_streamer?: { enabled?: unknown } } }).plugins?.icecast_streamer;
		return { file, enabled: section === undefined ? undefined : section.enabled === true };
	} catch {
		return { file, enabled: undefined };
	}
}

/** Puts the backed-up file back (or removes the bridge when there was none). */
export async function uninstallBridge(jackdawDir: string): Promise<{ restored: boolean }> {
	const file = bridgePath(jackdawDir);
	const backup = `${file}${BACKUP_SUFFIX}`;
	if (await exists(backup)) {
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
