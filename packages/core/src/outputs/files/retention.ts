import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import type { OwnedIndex } from './owned.js';
import { sidecarPaths } from './sidecars.js';

export type Keep = { seconds: number } | { bytes: number };

/**
 * The files of a recording beyond its `keep` (older than the age, or the oldest beyond the total
 * size), never the one being written; removed with their sidecars. Only the files the recording's
 * index lists (`OwnedIndex`: the ones it created, earlier runs too) are looked at, and of those only
 * the ones that are still the very file created (same device and inode, a regular file of this user)
 * and whose name the template could have written (`name`): a foreign file, a hard link put at a name,
 * another profile's recording are never touched, whatever their names. Returns the paths removed.
 */
export async function applyRetention(
	keep: Keep,
	index: OwnedIndex,
	name: RegExp,
	busy: (file: string) => boolean,
	now = Date.now(),
	withExtension = false,
): Promise<string[]> {
	const files: { file: string; mtime: number; size: number }[] = [];
	/** Names the index lists that now name nothing, or another file: no longer the recording's. */
	const gone: string[] = [];
	let busyBytes = 0;
	for (const entry of await index.list()) {
		const file = path.join(index.dir, entry.name);
		const info = await lstat(file, { bigint: true }).catch((error: NodeJS.ErrnoException) =>
			error.code === 'ENOENT' ? null : undefined,
		);
		// A folder that cannot be read now (a disk gone for a moment) forgets nothing.
		if (info === undefined) continue;
		if (!info || String(info.dev) !== entry.dev || String(info.ino) !== entry.ino || !isOwnFile(info)) {
			gone.push(entry.name);
			continue;
		}
		if (!name.test(entry.name)) continue;
		if (busy(file)) busyBytes += Number(info.size);
		else files.push({ file, mtime: Number(info.mtimeMs), size: Number(info.size) });
	}
	files.sort((a, b) => b.mtime - a.mtime);
	let doomed: typeof files;
	if ('seconds' in keep) {
		doomed = files.filter((f) => now - f.mtime > keep.seconds * 1000);
	} else {
		let total = busyBytes;
		doomed = files.filter((f) => (total += f.size) > keep.bytes);
	}
	const removed: string[] = [];
	for (const { file } of doomed) {
		const { cue, json } = sidecarPaths(file, withExtension);
		await Promise.all([rm(file), removeSidecar(cue), removeSidecar(json)]).then(
			() => removed.push(file),
			() => {},
		);
	}
	await index.forget([...gone, ...removed.map((f) => path.basename(f))]).catch(() => {});
	return removed;
}

/** A regular file of this user's: what a recording writes (a symlink or another user's file is never one). */
function isOwnFile(info: { isFile(): boolean; uid: bigint }): boolean {
	return info.isFile() && Number(info.uid) === process.getuid?.();
}

/**
 * A track list beside a removed recording, written by it: a regular file of this user's with no other
 * name (a hard link someone made to it, or put in its place, is left).
 */
async function removeSidecar(file: string): Promise<void> {
	const info = await lstat(file, { bigint: true }).catch(() => undefined);
	if (info && isOwnFile(info) && info.nlink === 1n) await rm(file, { force: true });
}
