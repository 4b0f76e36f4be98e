import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { partPath } from '../files/naming.js';

/** Names taken by another writer between the look and the creation: tried again at once, this many times. */
const NAME_TRIES = 20;

/** A name for the next part: the file, how to open it, the moment and the holder it is named for. */
export interface PartName {
	file: string;
	flags: number;
	at: Date;
	label: string | null;
}

/** A part's file, open: the descriptor is the file from now on, whatever its path becomes. */
export interface CreatedFile extends PartName {
	handle: FileHandle;
}

/** What the template names for one moment: the path, and the moment and the holder it was expanded for. */
export interface Template {
	base: string;
	at: Date;
	label: string | null;
}

/**
 * The first free name from the template's: `base`, then `base-part2`… A name that holds anything (a
 * recording, a FIFO, another user's file or symlink) is passed over, and `note` says so: a file is never
 * appended to (that would make a chain of two streams) nor written through. `taken` names files this
 * process writes or wrote, which are passed over without a word.
 */
export async function freshName(
	{ base, at, label }: Template,
	taken: (file: string) => boolean,
	note: (message: string) => void,
): Promise<PartName> {
	const own = process.getuid?.();
	for (let part = 1; ; part++) {
		const candidate = partPath(base, part);
		if (taken(candidate)) continue;
		const info = await lstat(candidate).catch(() => undefined);
		// Nothing there: created here, and only here (another process creating it meanwhile makes this fail, not
		// share it).
		if (!info)
			return {
				file: candidate,
				flags: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
				at,
				label,
			};
		if (info.uid !== own) {
			note(`${candidate} belongs to another user: left alone; recording to the next name`);
			continue;
		}
		// The user's own symlink is followed (a recording sent to another disk), to an empty file or a device only.
		const target = await stat(candidate).catch(() => undefined);
		const usable =
			target && ((target.isFile() && target.size === 0) || (info.isSymbolicLink() && target.isCharacterDevice()));
		if (usable)
			return {
				file: candidate,
				flags: constants.O_WRONLY | constants.O_TRUNC | (info.isSymbolicLink() ? 0 : constants.O_NOFOLLOW),
				at,
				label,
			};
		note(
			`${candidate} ${target?.isFile() ? 'already holds a recording' : 'is not a file'}: left as it is; recording to the next name`,
		);
	}
}

/**
 * Creates (or opens, for the user's own empty file or device) the file `name` says, its folder too. A
 * name another writer took since it was looked at gets the next free one from `rename`, at once, so that
 * no audio waits for a retry. `error`: the disk refused, in a sentence.
 */
export async function createFile(
	name: PartName,
	rename: (at: Date) => Promise<PartName>,
	note: (message: string) => void,
): Promise<CreatedFile | { error: string }> {
	let { file, flags, at, label } = name;
	for (let tries = 0; ; tries++) {
		try {
			await mkdir(path.dirname(file), { recursive: true });
			return { file, flags, at, label, handle: await open(file, flags, 0o644) };
		} catch (error) {
			// Another writer (another profile's recording, another program) took the name since it was looked at.
			if ((error as NodeJS.ErrnoException).code === 'EEXIST' && tries < NAME_TRIES) {
				note(`${file} was created by someone else a moment ago: recording to the next name`);
				({ file, flags, at, label } = await rename(at));
				continue;
			}
			return { error: `cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
		}
	}
}
