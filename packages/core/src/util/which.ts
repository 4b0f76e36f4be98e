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

/** Whether a program can be run: a path to an executable, or a name on PATH. */
export function isInstalled(command: string): boolean {
	if (!command.includes('/')) return onPath(command);
	try {
		accessSync(command, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** The sentence for a program that is not there, naming the Debian/Ubuntu package that has it. */
export function notInstalled(command: string, debianPackage: string): string {
	return `${command} ${command.includes(' and ') ? 'are' : 'is'} not installed (not found on PATH); install it, e.g. apt-get install ${debianPackage}`;
}
