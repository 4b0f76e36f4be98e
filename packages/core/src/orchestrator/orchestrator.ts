import { EventEmitter } from 'eventemitter3';
import { startEmbeddedIcecast, type EmbeddedIcecast } from '../icecast/embedded.js';
import type { Secret } from '../profile/secret.js';
import { JdcastError } from '../errors/index.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Profile } from '../profile/types.js';
import type { JdcastEvents, StatusSnapshot } from '../status/types.js';
import { Supervisor, type SupervisorOptions } from '../supervisor/supervisor.js';

const EVENTS: (keyof JdcastEvents)[] = ['profile', 'output', 'retry', 'recording', 'encoder', 'jack', 'stats', 'log', 'metadata'];

export interface OrchestratorOptions extends Pick<SupervisorOptions, 'ffmpeg' | 'env' | 'statsIntervalMs'> {
	/** icecast2 binary for embedded servers. */
	icecast2?: string;
	/** Burst-on-connect of embedded servers (default on, as Icecast's). */
	burstOnConnect?: boolean;
}

/**
 * Many profiles in one process: starts the embedded Icecast servers they ask for (one per port,
 * shared), a Supervisor per profile, and answers for all of them with one status snapshot and
 * one stream of events. A profile that fails never stops another.
 */
export class Orchestrator extends EventEmitter<JdcastEvents> {
	private readonly supervisors = new Map<string, Supervisor>();
	private readonly embedded = new Map<number, EmbeddedIcecast>();
	private readonly embeddedFailures = new Map<number, string>();

	constructor(private readonly options: OrchestratorOptions = {}) {
		super();
	}

	/** Starts every profile; resolves once each has begun (not once each is live). */
	async start(profiles: readonly Profile[]): Promise<void> {
		await this.startEmbeddedServers(profiles);
		await Promise.all(profiles.map((p) => this.startProfile(p)));
	}

	async startProfile(profile: Profile): Promise<void> {
		if (this.supervisors.has(profile.name)) return;
		const passwords = new Map<string, Secret>();
		const adminPasswords = new Map<string, Secret>();
		const failures = new Map<string, string>();
		for (const server of Object.values(profile.servers)) {
			if (!server.embedded) continue;
			const running = this.embedded.get(server.port);
			if (running) {
				passwords.set(server.name, running.sourcePassword);
				adminPasswords.set(server.name, running.adminPassword);
			} else {
				failures.set(server.name, this.embeddedFailures.get(server.port) ?? `embedded server on port ${server.port} is not running`);
			}
		}
		const supervisor = new Supervisor(profile, { ...this.options, embeddedPasswords: passwords, embeddedAdminPasswords: adminPasswords, embeddedFailures: failures });
		for (const event of EVENTS) forward(supervisor, this, event);
		this.supervisors.set(profile.name, supervisor);
		await supervisor.start();
	}

	async stopProfile(name: string): Promise<void> {
		const supervisor = this.supervisors.get(name);
		if (!supervisor) return;
		await supervisor.stop();
		supervisor.removeAllListeners();
		this.supervisors.delete(name);
	}

	/** Stops every profile, then the embedded servers. */
	async stop(): Promise<void> {
		await Promise.all([...this.supervisors.keys()].map((name) => this.stopProfile(name)));
		await Promise.all([...this.embedded.values()].map((server) => server.stop()));
		this.embedded.clear();
	}

	/**
	 * New "now playing" for a profile (every stream of it) or a mount (wherever it is fed).
	 * Throws E_UNKNOWN_TARGET naming the profiles and mounts that exist.
	 */
	async setMetadata(target: string, metadata: Metadata): Promise<MetadataResult[]> {
		const byProfile = this.supervisors.get(target);
		if (byProfile) return byProfile.setMetadata(metadata);
		const feeding = this.profiles.filter((s) => s.mounts.includes(target));
		if (feeding.length === 0) {
			const known = [...this.supervisors.keys(), ...this.profiles.flatMap((s) => s.mounts)];
			throw new JdcastError('E_UNKNOWN_TARGET', `no profile or mount named ${JSON.stringify(target)}; known: ${known.join(', ') || 'none'}`);
		}
		return (await Promise.all(feeding.map((s) => s.setMetadata(metadata, target)))).flat();
	}

	status(): StatusSnapshot {
		return { profiles: [...this.supervisors.values()].map((s) => s.status()) };
	}

	get profiles(): Supervisor[] {
		return [...this.supervisors.values()];
	}

	embeddedServer(port: number): EmbeddedIcecast | undefined {
		return this.embedded.get(port);
	}

	private async startEmbeddedServers(profiles: readonly Profile[]): Promise<void> {
		const ports = new Set(profiles.flatMap((p) => Object.values(p.servers).filter((s) => s.embedded).map((s) => s.port)));
		await Promise.all(
			[...ports].filter((port) => !this.embedded.has(port)).map(async (port) => {
				try {
					this.embedded.set(port, await startEmbeddedIcecast({
						port,
						...(this.options.icecast2 ? { command: this.options.icecast2 } : {}),
						...(this.options.burstOnConnect === undefined ? {} : { burstOnConnect: this.options.burstOnConnect }),
					}));
				} catch (error) {
					this.embeddedFailures.set(port, `embedded icecast2 on port ${port} could not start: ${(error as Error).message}`);
				}
			}),
		);
	}
}

function forward<E extends keyof JdcastEvents>(from: EventEmitter<JdcastEvents>, to: EventEmitter<JdcastEvents>, event: E): void {
	// eventemitter3's types cannot follow one generic event through on() and emit(); the payload is the same type.
	const emit = to.emit.bind(to) as (event: E, ...args: JdcastEvents[E]) => boolean;
	from.on(event, ((...args: JdcastEvents[E]) => emit(event, ...args)) as never);
}
