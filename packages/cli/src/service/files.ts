import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../args.js';

/**
 * A folder the service's files may go to: made if missing; refused when another user owns it
 * or others may write to it (they could swap a file under jdcast's feet).
 */
export async function safeFolder(dir: string, mode: number): Promise<void> {
	await mkdir(dir, { recursive: true, mode });
	const info = await lstat(dir);
	const uid = process.getuid?.() ?? 0;
	if (!info.isDirectory()) throw new UsageError(`jdcast service: ${dir} is not a folder`);
	if ((info.uid !== uid && info.uid !== 0) || (info.mode & 0o022) !== 0) {
		throw new UsageError(`jdcast service: ${dir} belongs to another user or others may write to it (mode ${(info.mode & 0o777).toString(8)}); use a folder of your own`);
	}
}

/**
 * Writes a file whole and at once: a new file (0600 or `mode`, never following a symlink) in
 * the same folder, renamed over the old name. A symlink or another user's file there is
 * replaced, never written through; nobody holds the new file open.
 */
export async function writeFileAtomically(file: string, text: string, mode: number): Promise<void> {
	const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}`);
	const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
	try {
		await handle.chmod(mode);
		await handle.writeFile(text);
		await handle.sync();
	} catch (error) {
		await handle.close();
		await rm(temp, { force: true });
		throw error;
	}
	await handle.close();
	await rename(temp, file);
}
