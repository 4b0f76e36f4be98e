import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The profile files that command-line arguments name: plain paths as they are, glob patterns
 * ("profiles/*.yaml", quoted so that jdcast and not the shell expands them) expanded now — so
 * that a reload finds files added since. `missingOk`: a plain path that is gone is dropped
 * (a reload after the file was deleted) instead of kept for an error.
 */
export async function expandProfilePaths(
	args: readonly string[],
	options: { missingOk?: boolean } = {},
): Promise<string[]> {
	const files: string[] = [];
	for (const arg of args) {
		// tinyglobby is loaded only for a pattern: plain paths need nothing of it (start-up time).
		const tiny = /[*?[\]{}]/.test(arg) ? await import('tinyglobby') : undefined;
		if (tiny?.isDynamicPattern(arg)) {
			const { glob } = tiny;
			// Paths come back the way the pattern was written: absolute for an absolute pattern.
			files.push(
				...(await glob(arg, { onlyFiles: true, absolute: path.isAbsolute(arg), expandDirectories: false })).sort(),
			);
		} else if (
			!options.missingOk ||
			(await stat(arg).then(
				() => true,
				() => false,
			))
		) {
			files.push(arg);
		}
	}
	return [...new Set(files)];
}
