import { copyFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Resolved by package name, so that it is found from the bundled CLI too.
const bridgeSource = () => new URL(import.meta.resolve('@jdcast/jackdaw-plugin/python/icecast_streamer.py'));
const BACKUP_SUFFIX = '.before-jdcast';

/** The file Jackdaw's loader imports for `plugins.icecast_streamer`. */
export function bridgePath(jackdawDir: string): string {
	return path.join(jackdawDir, 'plugins', 'icecast_streamer.py');
}

/**
 * Writes the Python bridge into a Jackdaw checkout as plugins/icecast_streamer.py, with the
 * jdcast command line filled in. An existing file (the old plugin) is kept as
 * icecast_streamer.py.before-jdcast, once: installing again does not overwrite that backup.
 */
export async function installBridge(jackdawDir: string, command: string[]): Promise<{ file: string; backup: string | undefined }> {
	const plugins = path.join(jackdawDir, 'plugins');
	if (!(await stat(plugins).then((s) => s.isDirectory(), () => false))) throw new Error(`${jackdawDir} has no plugins/ folder: is it a Jackdaw checkout?`);
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
	return { file, backup: kept };
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
