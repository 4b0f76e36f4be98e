import { lstat, mkdir } from 'node:fs/promises';
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
		throw new UsageError(
			`jdcast service: ${dir} belongs to another user or others may write to it (mode ${(info.mode & 0o777).toString(8)}); use a folder of your own`,
		);
	}
}
