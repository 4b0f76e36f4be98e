import { setTimeout as sleep } from 'node:timers/promises';
import { JdcastError } from '../errors/index.js';

/** Polls `check` until it returns a truthy value; throws after `timeoutMs` naming `what` was awaited. */
export async function waitFor<T>(
	check: () => T | Promise<T>,
	options: { timeoutMs: number; intervalMs?: number; what: string; signal?: AbortSignal },
): Promise<NonNullable<T>> {
	const deadline = performance.now() + options.timeoutMs;
	for (;;) {
		options.signal?.throwIfAborted();
		const value = await check();
		if (value) return value as NonNullable<T>;
		if (performance.now() > deadline)
			throw new JdcastError('E_TIMEOUT', `timed out after ${options.timeoutMs / 1000} s waiting for ${options.what}`);
		await sleep(options.intervalMs ?? 50, undefined, options.signal ? { signal: options.signal } : undefined);
	}
}
