import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
	pid: number;
	ppid: number;
	argv: string[];
}

/** Every process on the machine with its parent and argv, from /proc. */
export function processes(): ProcessInfo[] {
	const out: ProcessInfo[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			out.push({ pid: Number(entry), ppid, argv });
		} catch {
			// the process ended while we looked
		}
	}
	return out;
}

export function childrenOf(pid: number): ProcessInfo[] {
	return processes().filter((p) => p.ppid === pid);
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^\d+ \(.*\) Z/.test(stat);
	} catch {
		return false;
	}
}
