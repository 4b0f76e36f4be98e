import { readFileSync } from 'node:fs';

const POLL_MS = 500;

/** A process's state letter and start time (clock ticks after boot), from /proc; undefined once it is gone. */
function identity(pid: number): { state: string; started: string } | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// After "pid (comm) ": the comm may hold spaces and parentheses, the fields after it do not.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return { state: fields[0]!, started: fields[19]! };
	} catch {
		return undefined;
	}
}

/** A process as the owner watch knows it: its PID and when it started (a reused PID starts later). */
export interface Owner {
	pid: number;
	started: string;
}

/** The live process `pid` names now; undefined when there is none (or only a zombie). */
export function ownerOf(pid: number): Owner | undefined {
	const now = identity(pid);
	return now && !gone(now.state) ? { pid, started: now.started } : undefined;
}

/** Z: a zombie, X: dead — exited, whatever its parent does. */
function gone(state: string): boolean {
	return state === 'Z' || state === 'X';
}

/**
 * Calls `onGone` once the owner has exited (or is a zombie): the same PID with another start
 * time is another process, so a reused PID does not keep jdcast running. Returns a stop.
 */
export function watchOwner({ pid, started }: Owner, onGone: () => void): () => void {
	const timer = setInterval(() => {
		const now = identity(pid);
		if (now === undefined || gone(now.state) || now.started !== started) {
			clearInterval(timer);
			onGone();
		}
	}, POLL_MS);
	timer.unref();
	return () => clearInterval(timer);
}
