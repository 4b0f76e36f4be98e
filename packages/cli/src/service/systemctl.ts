import { execa } from 'execa';
import { lstat, readdir, readlink, rm } from 'node:fs/promises';
import path from 'node:path';

/** Runs `systemctl [--user] ARGS`; false (and one line on standard error) when it fails. */
export async function systemctl(user: boolean, args: string[]): Promise<boolean> {
	const result = await execa('systemctl', [...(user ? ['--user'] : []), ...args], { reject: false, stdin: 'ignore' });
	if (result.exitCode === 0) return true;
	process.stderr.write(`jdcast service: systemctl ${user ? '--user ' : ''}${args.join(' ')}: ${whyFailed(result)}\n`);
	return false;
}

/**
 * Why systemd (the user's instance for `user`) cannot be talked to from here, or undefined when it
 * answers: no systemd as PID 1 (a container, WSL without it), no session bus for the user's
 * manager (`su`, ssh without a login session), no systemctl at all.
 */
export async function systemdUnreachable(user: boolean): Promise<string | undefined> {
	const result = await execa('systemctl', [...(user ? ['--user'] : []), 'show', '--property=Version'], {
		reject: false,
		stdin: 'ignore',
	});
	return result.exitCode === 0 ? undefined : whyFailed(result);
}

function whyFailed(result: { failed: boolean; exitCode?: number | undefined; stderr: string }): string {
	if (result.failed && result.exitCode === undefined) return 'systemctl was not found';
	// systemd's last line says what failed ("Failed to connect to bus: …"), its first one often why.
	const lines = result.stderr.split('\n').filter((l) => l.trim());
	return lines.join(' ').slice(0, 300) || `exit ${result.exitCode}`;
}

/**
 * What `systemctl disable` removes, done by hand when systemd cannot be asked: the links to the
 * unit in its folder's `*.wants/` (and `*.requires/`), so that it does not start at the next boot.
 * Returns the links removed.
 */
export async function removeEnableLinks(unitFile: string): Promise<string[]> {
	const dir = path.dirname(unitFile);
	const removed: string[] = [];
	let entries: string[];
	try {
		entries = await readdir(dir);
	} catch {
		return removed;
	}
	for (const folder of entries.filter((e) => e.endsWith('.wants') || e.endsWith('.requires'))) {
		const link = path.join(dir, folder, path.basename(unitFile));
		try {
			if (!(await lstat(link)).isSymbolicLink()) continue;
			// Only a link to this very unit: another unit of the same name elsewhere is not ours.
			if (path.resolve(path.dirname(link), await readlink(link)) !== unitFile) continue;
			await rm(link);
			removed.push(link);
		} catch {
			// Not there: nothing to remove.
		}
	}
	return removed;
}
