import { waitFor } from './wait.js';
import { onPath } from './which.js';
import type { ResultPromise } from 'execa';

/**
 * Ends a child process by its PID and resolves when it is gone. After SIGTERM, execa sends
 * SIGKILL once the `forceKillAfterDelay` the child was started with has passed.
 */
export async function terminate(
	child: ResultPromise | undefined,
	signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<void> {
	if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill(signal);
	await child?.catch(() => {});
}

/**
 * The command line that runs `file` so that it ends when jdcast ends, even by SIGKILL: util-linux's
 * setpriv sets the parent-death signal and execs the program (same PID, same argv from there on).
 * `asUser` also drops to that user first (the death signal is set after, so it holds).
 */
export function dieWithParent(
	file: string,
	args: readonly string[],
	options: { asUser?: { user: string; group: string }; signal?: 'TERM' | 'KILL' } = {},
): [string, string[]] {
	if (!onPath('setpriv')) return [file, [...args]];
	const drop = options.asUser
		? ['--reuid', options.asUser.user, '--regid', options.asUser.group, '--clear-groups']
		: [];
	return ['setpriv', [...drop, '--pdeathsig', options.signal ?? 'TERM', '--', file, ...args]];
}

/**
 * Waits until a service just started is ready (`ready()` truthy), or throws `exited()` as soon
 * as the process ends first: the one wait of embedded icecast2, jackd and the test signal.
 */
export async function untilReady(
	child: ResultPromise,
	ready: () => Promise<unknown>,
	o: { what: string; intervalMs: number; exited: () => Error },
): Promise<void> {
	let gone = false;
	void child.then(
		() => (gone = true),
		() => (gone = true),
	);
	await waitFor(
		async () => {
			if (gone) throw o.exited();
			return ready();
		},
		{ timeoutMs: 10_000, intervalMs: o.intervalMs, what: o.what },
	);
}

/** Whether a process that this user may signal runs under that PID. */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
