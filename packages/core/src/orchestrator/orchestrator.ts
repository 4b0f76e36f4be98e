import { EventEmitter } from 'eventemitter3';
import { JdcastError } from '../errors/index.js';
import type { EmbeddedIcecast } from '../icecast/embedded.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Profile } from '../profile/types.js';
import { EVENT_NAMES, type JdcastEventMessage } from '../status/messages.js';
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
import type { HandoverOptions } from './handover.js';
import { HandoverQueue } from './handover-between.js';
import { MountBroker } from './mount-broker.js';
import { EmbeddedServers } from './embedded-servers.js';
import { ListenerPoll } from './listener-poll.js';
import { AirChecks } from './air-checks.js';
import { setMetadataOf } from './metadata-target.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { LoopDelayMonitor } from '../util/loop-delay.js';
import { untilLive } from './live.js';
import { everyEvent, forward, noSuchProfile, notStarted } from './profile-state.js';
import { reloadProfiles } from './reload.js';
import type { Engine, ProfileGovernor } from './engine.js';
import type { OrchestratorOptions } from './options.js';

export type { OrchestratorOptions } from './options.js';

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
	private readonly embedded: EmbeddedServers;
	private readonly listenerPoll: ListenerPoll;
	private readonly loopDelay = new LoopDelayMonitor();
	/** Who says which profiles run when (a schedule), if anyone. */
	private governor: ProfileGovernor | undefined;
	private readonly handovers = new HandoverQueue({
		check: (name) => {
			if (!this.known.has(name)) this.unknownProfile(name);
		},
		running: (name) => this.supervisors.get(name),
		start: (name) => this.startProfile(name, { holdShared: true }),
		stop: (name, reason) => this.stopProfile(name, reason),
		moving: (reason, names, move) => this.broker.moving(reason, names, move),
	});
	/** Who holds each mount: the one owner of that answer. */
	private readonly broker = new MountBroker((event) => this.emit('mount', event));
	/** The air checks of the profiles known, by what defines them (kept across a reload that leaves them as they were). */
	private readonly airChecks = new AirChecks(
		(e) => this.emit('recording', { profile: '', ...e }),
		(level, message) => this.emit('log', { profile: '', level, message }),
	);
	private started = false;

	/** How many times stop() was called: a `live()` begun before one is answered at once. */
	private stops = 0;

	constructor(private readonly options: OrchestratorOptions = {}) {
		super();
		this.embedded = new EmbeddedServers(options, (level, message) => this.say(level, message));
		this.listenerPoll = new ListenerPoll(this.broker, (message) => this.say('warning', message));
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
		if (this.supervisors.size === 0)
			throw new JdcastError('E_NOT_LIVE', 'no profile is running: nothing can go live (start one first)');
		const stops = this.stops;
		await untilLive(
			() => this.status(),
			() => this.stops !== stops || this.supervisors.size === 0,
			options.timeoutMs ?? 20_000,
		);
	}

	/** Every event, as one message each (`jdcast up --json`, `/api/events`); returns the unsubscribe function. */
	onEveryEvent(listener: (message: JdcastEventMessage) => void): () => void {
		return everyEvent(this, listener);
	}

	/** Starts every profile; resolves once each has begun (not once each is live). */
	async start(profiles: readonly Profile[]): Promise<void> {
		for (const profile of profiles) this.known.set(profile.name, profile);
		this.loopDelay.start();
		if (this.options.listenerCounts !== false)
			this.listenerPoll.start(() => this.profiles.flatMap((s) => s.icecastOutputs));
		await this.embedded.start(profiles);
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
		await this.embedded.start([profile]);
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
		const result = await reloadProfiles(
			{
				known: this.known,
				running: (name) => this.supervisors.get(name),
				stop: (name) => this.stopProfile(name),
				forget: (name) => this.stoppedStatus.delete(name),
				startServers: (all) => this.embedded.start(all),
				due: (name) => (this.governor ? this.governor.due(name) : 'now'),
				run: (profile, holdShared) => this.run(profile, { holdShared }),
			},
			profiles,
		);
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
		const result = await this.handovers.run(from, to, options);
		this.emit('handover', { profile: to, ...result });
		return result;
	}

	/** Stops every profile, then the embedded servers. */
	async stop(): Promise<void> {
		this.stops++;
		this.governor?.stop();
		this.listenerPoll.stop();
		// The air checks end first: shutting down is no change of holder to follow into new files.
		await this.airChecks.stop();
		this.broker.setAirChecks([]);
		await Promise.all([...this.supervisors.keys()].map((name) => this.stopProfile(name)));
		await this.embedded.stop();
		this.loopDelay.stop();
	}

	/**
	 * New "now playing" for a profile (every stream of it) or a mount (wherever it is fed).
	 * Throws E_UNKNOWN_TARGET naming the profiles and mounts that exist.
	 */
	async setMetadata(target: string, metadata: Metadata): Promise<MetadataResult[]> {
		return setMetadataOf(this.profiles, target, metadata);
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

	holdsSharedMount(name: string): boolean {
		return this.broker.holdsSharedMount(name);
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
		const supervisor = new Supervisor(profile, {
			...this.options,
			...this.embedded.credentialsFor(profile),
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
		this.broker.setAirChecks(this.airChecks.follow([...this.known.values()]));
	}

	private unknownProfile(name: string): never {
		throw noSuchProfile(name, this.profileNames);
	}
}
