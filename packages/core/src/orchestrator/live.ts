import { JdcastError } from '../errors/index.js';
import type { StatusSnapshot } from '../status/types.js';
import { waitFor } from '../util/wait.js';

/**
 * Waits until every output of every running profile is `live` (a shared output `waiting` for its
 * turn or standing by counts as settled). Rejects with E_NOT_LIVE, naming each output that is not
 * live and why: at once when `gone()` says the wait has no object any more (stopped), when every
 * output still awaited has failed for good (no retry will come), else after `timeoutMs`.
 */
export async function untilLive(status: () => StatusSnapshot, gone: () => boolean, timeoutMs: number): Promise<void> {
	const notLive = (why: string) => new JdcastError('E_NOT_LIVE', why);
	const pending = () =>
		status()
			.profiles.filter((p) => p.state !== 'stopped')
			.flatMap((p) =>
				p.outputs
					.filter((o) => o.state !== 'live' && !(o.shared && (o.state === 'waiting' || o.state === 'standby')))
					.map((o) => ({ profile: p.name, ...o })),
			);
	const described = (list: ReturnType<typeof pending>) =>
		list
			.map((o) => `${o.profile} ${o.mount} on ${o.server}: ${o.state}${o.lastError ? ` (${o.lastError})` : ''}`)
			.join('; ');
	try {
		await waitFor(
			() => {
				if (gone()) throw notLive('stopped while waiting to be live');
				const list = pending();
				if (list.length > 0 && list.every((o) => o.state === 'failed'))
					throw notLive(`cannot go live: ${described(list)}`);
				return list.length === 0;
			},
			{ timeoutMs, intervalMs: 100, what: 'every output live' },
		);
	} catch (error) {
		if (error instanceof JdcastError && error.code === 'E_NOT_LIVE') throw error;
		const list = pending();
		if (list.length > 0) throw notLive(`not live after ${timeoutMs / 1000} s: ${described(list)}`);
	}
}
