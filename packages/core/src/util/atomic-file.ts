import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file whole and at once: a new file (`mode`, never following a symlink, never an
 * existing file) in the same folder, renamed over the name. A symlink or another user's file
 * there is replaced, never written through; a full disk leaves the old file as it was.
 */
export async function writeFileAtomically(file: string, text: string, mode = 0o644): Promise<void> {
	const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}`);
	const handle = await open(
		temp,
		constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
		mode,
	);
	try {
		await handle.chmod(mode);
		await handle.writeFile(text);
		await handle.sync();
		await handle.close();
		await rename(temp, file);
	} catch (error) {
		await handle.close().catch(() => {});
		await rm(temp, { force: true });
		throw error;
	}
}
