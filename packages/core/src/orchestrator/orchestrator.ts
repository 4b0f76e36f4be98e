import { isDeepStrictEqual } from 'node:util';
import { EventEmitter } from 'eventemitter3';
import { JdcastError } from '../errors/index.js';
import { startEmbeddedIcecast, type EmbeddedIcecast } from '../icecast/embedded.js';
import { fetchListenerCounts } from '../listeners/poller.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Secret } from '../profile/secret.js';
import type { Profile, ServerConfig } from '../profile/types.js';
import { EVENT_NAMES, eventMessage, type JdcastEventMessage } from '../status/messages.js';
import {
	listenersByMount,
	type HandoverResult,
	type JackClientAnswer,
	type JdcastEvents,
	type MountChangeReason,
	type ProfileStatus,
	type ReloadResult,
	type StatusSnapshot,
} from '../status/types.js';
import { handOver, type HandoverOptions } from './handover.js';
import { MountBroker } from './mount-broker.js';
import { mergeMounts } from '../icecast/mount-config.js';
import { airChecksOf } from './air-checks.js';
import type { AirCheck } from './air-check.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { LoopDelayMonitor } from '../util/loop-delay.js';
import { waitFor } from '../util/wait.js';
import type { Engine, ProfileGovernor } from './engine.js';

const LISTENER_POLL_MS = 5000;

export interface OrchestratorOptions {
	/** ffmpeg binary; default `ffmpeg` from PATH. */
	ffmpeg?: string;
	/** Where `password_env` values are read (default: process.env). */
	env?: NodeJS.ProcessEnv;
	/** How often `stats` events are emitted (default 2000 ms). */
	statsIntervalMs?: number;
	/** icecast2 binary for embedded servers. */
	icecast2?: string;
	/** Burst-on-connect of embedded servers (default on, as Icecast's). */
	burstOnConnect?: boolean;
	/** Poll each server's /status-json.xsl for listener counts (default on). */
	listenerCounts?: boolean;
}

export type { ReloadResult } from '../status/types.js';

/**
 * Many profiles in one process: starts the embedded Icecast servers they ask for (one per port,
 * shared), a Supervisor per profile, and answers for all of them with one status snapshot and
 * one stream of events. A profile that fails never stops another. Profiles can be stopped,
 * started again and reloaded one by one.
 */
export class Orchestrator extends EventEmitter<JdcastEvents> implements Engine {
	/** Every profile this orchestrator knows, running or stopped, in the order given. */
	private readonly known = new Map<string, Profile>();
	private readonly supervisors = new Map<string, Supervisor>();
	/** The last status of a stopped profile, so that `status` still shows it. */
	private readonly stoppedStatus = new Map<string, ProfileStatus>();
	private readonly embedded = new Map<number, EmbeddedIcecast>();
	private readonly embeddedFailures = new Map<number, string>();
	private listenerTimer: NodeJS.Timeout | undefined;
	private readonly listenerFailures = new Set<string>();
	private readonly loopDelay = new LoopDelayMonitor();
	/** Who says which profiles run when (a schedule), if anyone. */
	private governor: ProfileGovernor | undefined;
	private handing: Promise<unknown> = Promise.resolve();
	/** Who holds each mount: the one owner of that answer. */
	private readonly broker = new MountBroker((event) => this.emit('mount', event));
	/** The air checks of the profiles known, by what defines them (kept across a reload that leaves them as they were). */
	private airChecks = new Map<string, AirCheck>();
	private started = false;

	/** How many times stop() was called: a `live()` begun before one is answered at once. */
	private stops = 0;

	constructor(private readonly options: OrchestratorOptions = {}) {
		super();
	}

	/**
	 * Resolves once every output of every running profile is `live` (a shared output `waiting`
	 * for its turn or standing by counts as settled). `start` resolves before anything is on air:
	 * this is the wait. Rejects with E_NOT_LIVE, naming each output that is not live and why: at
	 * once when no profile runs, when `stop()` is called meanwhile, or when every output still
	 * awaited has failed for good (Icecast refused the credentials, the password could not be
	 * read); otherwise after `timeoutMs`.
	 */
	async live(options: { timeoutMs?: number } = {}): Promise<void> {
		const timeoutMs = options.timeoutMs ?? 20_000;
		const notLive = (why: string) => new JdcastError('E_NOT_LIVE', why);
		if (this.supervisors.size === 0) throw notLive('no profile is running: nothing can go live (start one first)');
		const stops = this.stops;
		const pending = () =>
			this.status()
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
					if (this.stops !== stops || this.supervisors.size === 0) throw notLive('stopped while waiting to be live');
					const list = pending();
					// Failed for good: no retry will come, waiting longer cannot help.
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

	/** Every event, as one message each (`jdcast up --json`, `/api/events`); returns the unsubscribe function. */
	onEveryEvent(listener: (message: JdcastEventMessage) => void): () => void {
		const offs = EVENT_NAMES.map((event) => {
			const handler = (payload: JdcastEvents[typeof event][0]) => listener(eventMessage(event, payload));
			this.on(event, handler as never);
			return () => this.off(event, handler as never);
		});
		return () => offs.forEach((off) => off());
	}

	/** Starts every profile; resolves once each has begun (not once each is live). */
	async start(profiles: readonly Profile[]): Promise<void> {
		for (const profile of profiles) this.known.set(profile.name, profile);
		this.loopDelay.start();
		if (this.options.listenerCounts !== false && !this.listenerTimer) {
			this.listenerTimer = setInterval(() => void this.pollListeners(), LISTENER_POLL_MS);
			setTimeout(() => void this.pollListeners(), 1000).unref();
		}
		await this.startEmbeddedServers(profiles);
		// A schedule in force starts only the profiles due now; it starts the others in their slots.
		await Promise.all(
			profiles.map((p) => {
				const due = this.governor ? this.governor.due(p.name) : 'now';
				return due ? this.run(p, { holdShared: due === 'ahead' }) : undefined;
			}),
		);
		this.updateAirChecks();
		this.started = true;
		this.governor?.start();
	}

	/**
	 * Starts a known profile again (after `stopProfile`, or after it failed); a running one takes
	 * back the shared mounts it handed over or released. Throws E_UNKNOWN_PROFILE.
	 */
	async startProfile(name: string, options: { holdShared?: boolean; reason?: MountChangeReason } = {}): Promise<void> {
		const profile = this.known.get(name) ?? this.unknownProfile(name);
		if (this.supervisors.get(name)?.state === 'failed') await this.stopProfile(name);
		const running = this.supervisors.get(name);
		if (running) {
			if (options.reason) this.broker.intend(options.reason, [name]);
			if (!options.holdShared) for (const output of running.icecastOutputs) if (output.shared) output.resume();
			return;
		}
		await this.startEmbeddedServers([profile]);
		// Said before it starts: its first connection may go live at once.
		if (options.reason) this.broker.intend(options.reason, [name]);
		await this.run(profile, options);
	}

	/** Stops one profile; the others are not touched. Throws E_UNKNOWN_PROFILE. */
	async stopProfile(name: string, reason: MountChangeReason = 'stop'): Promise<void> {
		if (!this.known.has(name)) this.unknownProfile(name);
		const supervisor = this.supervisors.get(name);
		if (!supervisor) return;
		// Gone from the running ones at once (a start meanwhile starts it anew); the broker keeps it until its
		// connections are handed over or closed.
		this.supervisors.delete(name);
		this.broker.intend(reason, [name]);
		await supervisor.stop();
		this.broker.unregister(name);
		this.stoppedStatus.set(name, supervisor.status());
		supervisor.removeAllListeners();
	}

	/**
	 * Takes a new set of profiles: unchanged ones keep streaming untouched (same ffmpeg, no
	 * reconnect), changed ones restart, removed ones stop, new ones start.
	 */
	async reload(profiles: readonly Profile[]): Promise<ReloadResult> {
		const result: ReloadResult = { started: [], stopped: [], restarted: [], unchanged: [] };
		const next = new Map(profiles.map((p) => [p.name, p]));
		for (const name of [...this.known.keys()]) {
			if (next.has(name)) continue;
			await this.stopProfile(name);
			this.known.delete(name);
			this.stoppedStatus.delete(name);
			result.stopped.push(name);
		}
		await this.startEmbeddedServers(profiles);
		for (const profile of profiles) {
			const before = this.known.get(profile.name);
			this.known.set(profile.name, profile);
			if (before && sameDefinition(before, profile)) {
				result.unchanged.push(profile.name);
				await this.supervisors.get(profile.name)?.releaseHeldClients();
				continue;
			}
			const wasRunning = this.supervisors.has(profile.name);
			if (wasRunning) await this.stopProfile(profile.name);
			this.stoppedStatus.delete(profile.name);
			// A schedule in force starts it in its slot (or ahead of it, its shared mounts held back).
			const due = this.governor ? this.governor.due(profile.name) : 'now';
			if (!due) {
				result.stopped.push(profile.name);
				continue;
			}
			await this.run(profile, { holdShared: due === 'ahead' });
			(before ? result.restarted : result.started).push(profile.name);
		}
		this.updateAirChecks();
		return result;
	}

	/**
	 * Hands the shared mounts of FROM to TO (starting TO if it is stopped): listeners stay
	 * connected. Refuses, changing nothing, when TO's input is silent (unless `force`) or the two
	 * share no mount. `stopFrom` then stops the whole FROM profile; otherwise only its shared
	 * outputs stop, and its other outputs and recordings go on.
	 */
	async handover(
		from: string,
		to: string,
		options: HandoverOptions & { stopFrom?: boolean; reason?: 'handover' | 'schedule' } = {},
	): Promise<HandoverResult> {
		// One at a time: two handovers of one mount at once would hand one connection twice.
		const previous = this.handing;
		const mine = previous.catch(() => {}).then(() => this.handoverNow(from, to, options));
		this.handing = mine.catch(() => {});
		return mine;
	}

	private async handoverNow(
		from: string,
		to: string,
		options: HandoverOptions & { stopFrom?: boolean; reason?: 'handover' | 'schedule' },
	): Promise<HandoverResult> {
		if (!this.known.has(from)) this.unknownProfile(from);
		if (!this.known.has(to)) this.unknownProfile(to);
		if (from === to) throw new JdcastError('E_HANDOVER_SAME', `${from} cannot hand over to itself`);
		const outgoing = this.supervisors.get(from);
		if (!outgoing)
			throw new JdcastError(
				'E_HANDOVER_NOT_RUNNING',
				`${from} is not running: there is nothing to hand over; start ${to} instead`,
			);
		const startedHere = !this.supervisors.has(to);
		// Its shared mounts held back: it takes them on FROM's connections, never on its own before.
		await this.startProfile(to, { holdShared: true });
		let result: HandoverResult;
		try {
			const incoming = this.supervisors.get(to)!;
			result = await handOver(outgoing, incoming, { ...options, justStarted: startedHere }, (move) =>
				this.broker.moving(options.reason ?? 'handover', [from, to], move),
			);
		} catch (error) {
			if (startedHere) await this.stopProfile(to);
			throw error;
		}
		if (options.stopFrom) await this.stopProfile(from, options.reason ?? 'handover');
		this.emit('handover', { profile: to, ...result });
		return result;
	}

	/** Stops every profile, then the embedded servers. */
	async stop(): Promise<void> {
		this.stops++;
		this.governor?.stop();
		clearInterval(this.listenerTimer);
		this.listenerTimer = undefined;
		// The air checks end first: shutting down is no change of holder to follow into new files.
		await Promise.all([...this.airChecks.values()].map((check) => check.stop()));
		this.airChecks.clear();
		this.broker.setAirChecks([]);
		await Promise.all([...this.supervisors.keys()].map((name) => this.stopProfile(name)));
		await Promise.all([...this.embedded.values()].map((server) => server.stop()));
		this.embedded.clear();
		this.loopDelay.stop();
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
			throw new JdcastError(
				'E_UNKNOWN_TARGET',
				`no running profile or mount named ${JSON.stringify(target)}; known: ${known.join(', ') || 'none'}`,
			);
		}
		return (await Promise.all(feeding.map((s) => s.setMetadata(metadata, target)))).flat();
	}

	/** `jdcast disconnect` / `jdcast connect` of a JACK source client of a running profile. */
	async routeClient(name: string, client: string, on: boolean): Promise<JackClientAnswer> {
		if (!this.known.has(name)) this.unknownProfile(name);
		const supervisor = this.supervisors.get(name);
		if (!supervisor) throw new JdcastError('E_PROFILE_STOPPED', `profile ${name} is not running`);
		return supervisor.routeClient(client, on);
	}

	status(): StatusSnapshot {
		// A profile that never ran yet (a schedule starts it in its slot) is there too, stopped.
		const profiles = [...this.known.keys()].map(
			(name) => this.supervisors.get(name)?.status() ?? this.stoppedStatus.get(name) ?? notStarted(name),
		);
		return {
			profiles,
			mounts: listenersByMount(profiles, (url) => this.broker.holderAt(url)),
			process: { pid: process.pid, loopDelayMaxMs: this.loopDelay.maxMs },
			...(this.governor ? { schedule: { ...this.governor.status(), current: this.broker.sharedSource() } } : {}),
		};
	}

	/**
	 * Puts a governor (a schedule's Scheduler) in force, replacing any before it, or none: the
	 * profiles with shared mounts then run in their slots only, handed over at the boundaries.
	 */
	govern(governor: ProfileGovernor | undefined): void {
		if (this.governor && this.governor !== governor) this.governor.stop();
		this.governor = governor;
		if (this.started) this.governor?.start();
	}

	say(level: 'info' | 'warning', message: string): void {
		this.emit('log', { profile: '', level, message });
	}

	/** The profiles this orchestrator knows, running or not. */
	get knownProfiles(): Profile[] {
		return [...this.known.values()];
	}

	get runningProfileNames(): string[] {
		return [...this.supervisors.keys()];
	}

	private get profiles(): Supervisor[] {
		return [...this.supervisors.values()];
	}

	get profileNames(): string[] {
		return [...this.known.keys()];
	}

	embeddedServer(port: number): EmbeddedIcecast | undefined {
		return this.embedded.get(port);
	}

	private async run(profile: Profile, options: { holdShared?: boolean } = {}): Promise<void> {
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
				failures.set(
					server.name,
					this.embeddedFailures.get(server.port) ?? `embedded server on port ${server.port} is not running`,
				);
			}
		}
		const supervisor = new Supervisor(profile, {
			...this.options,
			embeddedPasswords: passwords,
			embeddedAdminPasswords: adminPasswords,
			embeddedFailures: failures,
			mounts: this.broker,
		});
		for (const event of EVENT_NAMES) forward(supervisor, this, event);
		// Every change of an output may change who holds its mount: the broker looks again.
		supervisor.on('output', () => this.broker.refresh());
		this.supervisors.set(profile.name, supervisor);
		this.broker.register(supervisor);
		this.stoppedStatus.delete(profile.name);
		await supervisor.start(options);
	}

	/** The air checks the known profiles ask for: new ones start, gone or changed ones stop, the rest record on. */
	private updateAirChecks(): void {
		const wanted = airChecksOf([...this.known.values()]);
		for (const [id, check] of this.airChecks) {
			if (wanted.has(id)) continue;
			this.airChecks.delete(id);
			void check.stop();
		}
		for (const [id, make] of wanted) {
			if (this.airChecks.has(id)) continue;
			const check = make();
			check.on('recording', (e) => this.emit('recording', { profile: '', ...e }));
			check.on('log', (level, message) => this.emit('log', { profile: '', level, message }));
			this.airChecks.set(id, check);
		}
		this.broker.setAirChecks([...this.airChecks.values()]);
	}

	private unknownProfile(name: string): never {
		throw new JdcastError(
			'E_UNKNOWN_PROFILE',
			`no profile named ${JSON.stringify(name)}; profiles are ${this.profileNames.join(', ') || 'none'}`,
		);
	}

	/** One look per server at its listener counts; a server that does not answer keeps the last ones. */
	private async pollListeners(): Promise<void> {
		const outputs = this.profiles.flatMap((s) => s.icecastOutputs);
		// The same server as two profiles see it: one with tls_ca may reach it where one without cannot.
		const keyOf = (server: ServerConfig) => `${server.tls}|${server.tlsCa ?? ''}|${server.host}|${server.port}`;
		const servers = new Map(outputs.map((o) => [keyOf(o.server), o.server]));
		await Promise.all(
			[...servers].map(async ([key, server]) => {
				const askedAt = Date.now();
				const { counts, fed, error } = await fetchListenerCounts(server);
				if (!counts) {
					if (!this.listenerFailures.has(key))
						this.emit('log', { profile: '', level: 'warning', message: error ?? 'listener counts unavailable' });
					this.listenerFailures.add(key);
					return;
				}
				this.listenerFailures.delete(key);
				// The mounts a source feeds there: one that none of ours feeds is held from outside this jdcast.
				this.broker.listed(server, fed ?? [], askedAt);
				for (const output of outputs) {
					if (keyOf(output.server) !== key) continue;
					output.heard(counts.get(output.mount));
				}
			}),
		);
	}

	private async startEmbeddedServers(profiles: readonly Profile[]): Promise<void> {
		const ports = new Set(
			profiles.flatMap((p) =>
				Object.values(p.servers)
					.filter((s) => s.embedded)
					.map((s) => s.port),
			),
		);
		await Promise.all(
			[...ports]
				.filter((port) => !this.embedded.has(port))
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
						this.embedded.set(
							port,
							await startEmbeddedIcecast({
								port,
								mounts,
								...(this.options.icecast2 ? { command: this.options.icecast2 } : {}),
								...(this.options.burstOnConnect === undefined ? {} : { burstOnConnect: this.options.burstOnConnect }),
							}),
						);
						this.embeddedFailures.delete(port);
					} catch (error) {
						this.embeddedFailures.set(
							port,
							`embedded icecast2 on port ${port} could not start: ${(error as Error).message}`,
						);
					}
				}),
		);
	}
}

function notStarted(name: string): ProfileStatus {
	return {
		name,
		state: 'stopped',
		lastError: null,
		encoder: { pid: null, restarts: 0, xruns: 0 },
		audio: null,
		jack: null,
		outputs: [],
		recordings: [],
	};
}

/** Two definitions of a profile are the same when they differ at most in where their keys sit in the file. */
function sameDefinition(a: Profile, b: Profile): boolean {
	const strip = (p: Profile) =>
		JSON.parse(JSON.stringify(p, (key, value: unknown) => (key === 'at' ? undefined : value))) as unknown;
	return isDeepStrictEqual(strip(a), strip(b));
}

function forward<E extends keyof JdcastEvents>(
	from: EventEmitter<JdcastEvents>,
	to: EventEmitter<JdcastEvents>,
	event: E,
): void {
	// eventemitter3's types cannot follow one generic event through on() and emit(); the payload is the same type.
	const emit = to.emit.bind(to) as (event: E, ...args: JdcastEvents[E]) => boolean;
	from.on(event, ((...args: JdcastEvents[E]) => emit(event, ...args)) as never);
}
