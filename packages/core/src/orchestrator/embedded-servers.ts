import pRetry from 'p-retry';
import { startEmbeddedIcecast, type EmbeddedIcecast } from '../icecast/embedded.js';
import { mergeMounts } from '../icecast/mount-config.js';
import type { Secret } from '../profile/secret.js';
import type { Profile } from '../profile/types.js';

/** What a profile's `embedded: true` servers give its supervisor: their passwords, or why there are none. */
export interface EmbeddedCredentials {
	embeddedPasswords: Map<string, Secret>;
	embeddedAdminPasswords: Map<string, Secret>;
	embeddedFailures: Map<string, string>;
}

/** A server that ends by itself more than this often within the window is not started again. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 5 * 60_000;

/**
 * The private icecast2 servers the profiles ask for: one per port, shared by every profile that
 * names it, with every profile's fallback mounts; started before the profiles that use them,
 * stopped after the last.
 */
export class EmbeddedServers {
	private readonly running = new Map<number, EmbeddedIcecast>();
	private readonly failures = new Map<number, string>();
	/** Aborted by `stop`: a restart under way gives up rather than start a server after the rest stopped. */
	private stopping = new AbortController();
	private readonly restarts = new Set<Promise<void>>();
	/** When each port's server ended by itself lately: one that keeps crashing is given up, not restarted forever. */
	private readonly crashes = new Map<number, number[]>();
	private readonly retired: EmbeddedIcecast[] = [];
	/**
	 * Each port's passwords, kept for its life in this process: a server started again (after one
	 * that could not be) takes the passwords the running profiles hold.
	 */
	private readonly passwords = new Map<number, { sourcePassword: string; adminPassword: string }>();

	constructor(
		private readonly options: { icecast2?: string; burstOnConnect?: boolean },
		private readonly say: (level: 'info' | 'warning', message: string) => void = () => {},
	) {}

	get(port: number): EmbeddedIcecast | undefined {
		return this.running.get(port);
	}

	/** Starts the servers these profiles need that do not run yet; one that cannot start is remembered, not thrown. */
	async start(profiles: readonly Profile[]): Promise<void> {
		if (this.stopping.signal.aborted) this.stopping = new AbortController();
		const ports = new Set(
			profiles.flatMap((p) =>
				Object.values(p.servers)
					.filter((s) => s.embedded)
					.map((s) => s.port),
			),
		);
		await Promise.all(
			[...ports]
				.filter((port) => !this.running.has(port))
				.map(async (port) => {
					try {
						// Every profile's fallbacks for this server: they share one icecast2.
						const mounts = mergeMounts(
							profiles.flatMap((p) =>
								Object.values(p.servers)
									.filter((s) => s.embedded && s.port === port)
									.map((s) => s.mounts),
							),
						);
						const server = await startEmbeddedIcecast({
							port,
							mounts,
							...this.passwords.get(port),
							...(this.options.icecast2 ? { command: this.options.icecast2 } : {}),
							...(this.options.burstOnConnect === undefined ? {} : { burstOnConnect: this.options.burstOnConnect }),
							onExit: (why) => {
								const restart = this.restart(port, why).finally(() => this.restarts.delete(restart));
								this.restarts.add(restart);
							},
						});
						this.passwords.set(port, {
							sourcePassword: server.sourcePassword.reveal(),
							adminPassword: server.adminPassword.reveal(),
						});
						this.running.set(port, server);
						this.failures.delete(port);
					} catch (error) {
						this.failures.set(port, `embedded icecast2 on port ${port} could not start: ${(error as Error).message}`);
					}
				}),
		);
	}

	/** The passwords of a profile's embedded servers, by server name, or why a server is not there. */
	credentialsFor(profile: Profile): EmbeddedCredentials {
		const credentials: EmbeddedCredentials = {
			embeddedPasswords: new Map(),
			embeddedAdminPasswords: new Map(),
			embeddedFailures: new Map(),
		};
		for (const server of Object.values(profile.servers)) {
			if (!server.embedded) continue;
			const running = this.running.get(server.port);
			if (running) {
				credentials.embeddedPasswords.set(server.name, running.sourcePassword);
				credentials.embeddedAdminPasswords.set(server.name, running.adminPassword);
			} else {
				credentials.embeddedFailures.set(
					server.name,
					this.failures.get(server.port) ?? `embedded server on port ${server.port} is not running`,
				);
			}
		}
		return credentials;
	}

	/**
	 * An embedded server that ended by itself (killed by someone, crashed) is started again on its port
	 * with its config: the outputs on it reconnect by themselves, as after any server restart.
	 */
	private async restart(port: number, why: string): Promise<void> {
		const server = this.running.get(port);
		const { signal } = this.stopping;
		if (!server || signal.aborted) return;
		const now = Date.now();
		const lately = [...(this.crashes.get(port) ?? []).filter((at) => now - at < CRASH_WINDOW_MS), now];
		this.crashes.set(port, lately);
		if (lately.length > MAX_CRASHES) {
			this.retire(port);
			const message = `embedded icecast2 on port ${port} stopped by itself ${lately.length} times in ${CRASH_WINDOW_MS / 60_000} minutes (last: ${why}): not started again; its log: ${server.dir}/log/error.log`;
			this.failures.set(port, message);
			this.say('warning', message);
			return;
		}
		this.say('warning', `embedded icecast2 on port ${port} stopped by itself (${why}): starting it again`);
		try {
			await pRetry(() => server.restart(), { retries: 5, minTimeout: 500, maxTimeout: 8000, signal });
			if (!signal.aborted) this.say('info', `embedded icecast2 on port ${port} runs again`);
		} catch (error) {
			if (signal.aborted) return;
			this.retire(port);
			const message = `embedded icecast2 on port ${port} could not start again: ${(error as Error).message}`;
			this.failures.set(port, message);
			this.say('warning', message);
		}
	}

	/** A server given up on: out of the pool (a later start makes a new one), its folder removed at `stop`. */
	private retire(port: number): void {
		const server = this.running.get(port);
		if (server) this.retired.push(server);
		this.running.delete(port);
	}

	async stop(): Promise<void> {
		this.stopping.abort();
		await Promise.allSettled(this.restarts);
		await Promise.all([...this.running.values(), ...this.retired.splice(0)].map((server) => server.stop()));
		this.running.clear();
	}
}
