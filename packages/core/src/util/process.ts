import type { ResultPromise } from 'execa';

/** Ends a child process by its PID: `signal` first, SIGKILL after `graceMs`. Resolves when it is gone. */
export async function terminate(child: ResultPromise | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<void> {
	if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
		await child?.catch(() => {});
		return;
	}
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await child.catch(() => {});
	clearTimeout(timer);
}
