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

/**
 * The private icecast2 servers the profiles ask for: one per port, shared by every profile that
 * names it, with every profile's fallback mounts; started before the profiles that use them,
 * stopped after the last.
 */
export class EmbeddedServers {
	private readonly running = new Map<number, EmbeddedIcecast>();
	private readonly failures = new Map<number, string>();

	constructor(private readonly options: { icecast2?: string; burstOnConnect?: boolean }) {}

	get(port: number): EmbeddedIcecast | undefined {
		return this.running.get(port);
	}

	/** Starts the servers these profiles need that do not run yet; one that cannot start is remembered, not thrown. */
	async start(profiles: readonly Profile[]): Promise<void> {
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
						this.running.set(
							port,
							await startEmbeddedIcecast({
								port,
								mounts,
								...(this.options.icecast2 ? { command: this.options.icecast2 } : {}),
								...(this.options.burstOnConnect === undefined ? {} : { burstOnConnect: this.options.burstOnConnect }),
							}),
						);
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

	async stop(): Promise<void> {
		await Promise.all([...this.running.values()].map((server) => server.stop()));
		this.running.clear();
	}
}
