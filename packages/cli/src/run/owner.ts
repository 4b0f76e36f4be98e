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

/** Whether `pid` names a live process now. */
export function ownerAlive(pid: number): boolean {
	const now = identity(pid);
	return now !== undefined && now.state !== 'Z';
}

/**
 * Calls `onGone` once the process `pid` has exited (or is a zombie): the same PID with another
 * start time is another process, so a reused PID does not keep jdcast running. Returns a stop.
 */
export function watchOwner(pid: number, onGone: () => void): () => void {
	const started = identity(pid)?.started;
	const timer = setInterval(() => {
		const now = identity(pid);
		if (now === undefined || now.state === 'Z' || now.started !== started) {
			clearInterval(timer);
			onGone();
		}
	}, POLL_MS);
	timer.unref();
	return () => clearInterval(timer);
}
