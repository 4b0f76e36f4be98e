import { fetchListenerCounts } from '../listeners/poller.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { ServerConfig } from '../profile/types.js';
import type { MountBroker } from './mount-broker.js';

const POLL_MS = 5000;

/**
 * One look per server at its listener counts (its status page), given to the outputs there; the
 * mounts a source feeds go to the MountBroker (one that none of ours feeds is held from outside).
 * A server that does not answer keeps its last counts, and is said once until it answers again.
 */
export class ListenerPoll {
	private readonly failing = new Set<string>();
	private timer: NodeJS.Timeout | undefined;

	/** Looks every 5 s (the first a second from now) at the servers of `outputs()`, until `stop`. */
	start(outputs: () => readonly IcecastOutput[]): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.look(outputs()), POLL_MS);
		setTimeout(() => void this.look(outputs()), 1000).unref();
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
	}

	constructor(
		private readonly broker: MountBroker,
		private readonly warn: (message: string) => void,
	) {}

	async look(outputs: readonly IcecastOutput[]): Promise<void> {
		// The same server as two profiles see it: one with tls_ca may reach it where one without cannot.
		const keyOf = (server: ServerConfig) => `${server.tls}|${server.tlsCa ?? ''}|${server.host}|${server.port}`;
		const servers = new Map(outputs.map((o) => [keyOf(o.server), o.server]));
		await Promise.all(
			[...servers].map(async ([key, server]) => {
				const askedAt = Date.now();
				const { counts, fed, error } = await fetchListenerCounts(server);
				if (!counts) {
					if (!this.failing.has(key)) this.warn(error ?? 'listener counts unavailable');
					this.failing.add(key);
					return;
				}
				this.failing.delete(key);
				this.broker.listed(server, fed ?? [], askedAt);
				for (const output of outputs) if (keyOf(output.server) === key) output.heard(counts.get(output.mount));
			}),
		);
	}
}
