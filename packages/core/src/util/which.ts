import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Whether an executable of this name is on PATH. */
export function onPath(command: string): boolean {
	return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
		try {
			accessSync(path.join(dir, command), constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}
