import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sidecarPaths } from './sidecars.js';

export type Keep = { seconds: number } | { bytes: number };

/**
 * The files of a recording beyond its `keep` (older than the age, or the oldest beyond the total
 * size), never the one being written; removed with their sidecars. Only regular files of this
 * user whose names the template could have written are considered. Returns the paths removed.
 */
export async function applyRetention(
	keep: Keep,
	pattern: { dir: string; name: RegExp },
	busy: (file: string) => boolean,
	now = Date.now(),
	withExtension = false,
): Promise<string[]> {
	const names = await readdir(pattern.dir).catch(() => [] as string[]);
	const files: { file: string; mtime: number; size: number }[] = [];
	let busyBytes = 0;
	for (const name of names.filter((n) => pattern.name.test(n))) {
		const file = path.join(pattern.dir, name);
		const info = await lstat(file).catch(() => undefined);
		if (!info?.isFile() || info.uid !== process.getuid?.()) continue;
		// A file being written (this recording's, or another's that the name happens to fit) is never removed.
		if (busy(file)) busyBytes += info.size;
		else files.push({ file, mtime: info.mtimeMs, size: info.size });
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
		await Promise.all([rm(file), rm(cue, { force: true }), rm(json, { force: true })]).then(
			() => removed.push(file),
			() => {},
		);
	}
	return removed;
}
