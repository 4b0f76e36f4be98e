import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a small file could not be read, in words that follow its path: "is not a regular file". */
export class SmallFileError extends Error {
	constructor(
		readonly reason: string,
		/** `not-file`, `too-large` or the system's code (ENOENT, EACCES, …). */
		readonly kind: string,
	) {
		super(reason);
	}
}

/**
 * The bytes of a regular file of at most `maxBytes`: profiles, password files, CA files, a
 * player's now-playing file. Opened without blocking, so that a FIFO never holds a thread of
 * Node's pool (nor the audio's event loop); devices, folders and large files are refused.
 */
export async function readSmallFile(file: string, maxBytes: number): Promise<Buffer> {
	let handle;
	try {
		handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
		throw new SmallFileError(`cannot be read (${code})`, code);
	}
	try {
		const info = await handle.stat();
		if (!info.isFile()) throw new SmallFileError('is not a regular file', 'not-file');
		const tooLarge = () => new SmallFileError(`is larger than ${sizeInWords(maxBytes)}`, 'too-large');
		if (info.size > maxBytes) throw tooLarge();
		const bytes = Buffer.alloc(maxBytes + 1);
		const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
		if (bytesRead > maxBytes) throw tooLarge();
		return bytes.subarray(0, bytesRead);
	} catch (error) {
		if (error instanceof SmallFileError) throw error;
		const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
		throw new SmallFileError(`cannot be read (${code})`, code);
	} finally {
		await handle.close();
	}
}

function sizeInWords(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
}
