import { EventEmitter } from 'eventemitter3';
import { EncoderLoop } from '../encoder/supervise.js';
import { Tap } from '../fanout/tap.js';
import type { SourceConnection } from '../icecast/source-connection.js';
import type { Routing } from '../jack/routing.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { RecordingSink } from '../outputs/recording.js';
import { type EncodePlan, type EncoderPlan, plan, type StreamTarget } from '../plan/plan.js';
import { type CredentialSources, type Credentials, resolveCredentials } from '../profile/secrets.js';
import type { Profile, ServerConfig } from '../profile/types.js';
import { AudioWatch } from '../signal/audio-watch.js';
import type { JackClientAnswer, JdcastEvents, ProfileState, ProfileStatus } from '../status/types.js';
import { isInstalled, notInstalled } from '../util/which.js';
import { type DeadAirYield, deadAirOf, type SharedMounts } from './dead-air-yield.js';
import { failIfNothingLeft, giveUp, type ProfileLife, watchEncoder } from './encoder-watch.js';
import { missingJackTools, releaseHeld, routeClient, routingOf } from './jack-clients.js';
import { SinkList } from './sink-list.js';
import { coverOnStop, coverOutput, coverWith, newOutput } from './outputs.js';
import { type HarborDesk, harborOf, openHarbor } from './harbor-wiring.js';
import { metadataOf, type NowPlayingGate, nowPlayingGate, sendNowPlaying } from './now-playing.js';
import { type Emit, forwardOutputEvents, forwardRecordingEvents } from './sink-events.js';

export interface SupervisorOptions extends CredentialSources {
	/** ffmpeg binary; default `ffmpeg` from PATH. */
	ffmpeg?: string;
	/** How often `stats` events are emitted (default 2000 ms). */
	statsIntervalMs?: number;
	/** Who holds each shared mount (the orchestrator's MountBroker): covers, hand-backs, and why mounts change. */
	mounts?: SharedMounts;
}

/**
 * One profile at work: one supervised ffmpeg, a tap per encoder, an Icecast output per target,
 * a sink per recording, and the JACK routing. Everything inside fails alone: a target that cannot
 * connect does not touch the encoder; an encoder restart does not drop a connection.
 */
export class Supervisor extends EventEmitter<JdcastEvents> {
	private currentState: ProfileState = 'stopped';
	private error: string | null = null;
	readonly plan: EncodePlan;
	private readonly taps = new Map<number, Tap>();
	private readonly sinks = new SinkList();
	/** Started ahead of its slot: its recordings begin once one of its shared mounts is on air. */
	private recordingsWait = false;
	/** Every output and recording of the profile made: from now on, all of them failed means the profile failed. */
	private wired = false;
	/** `silence.action: yield`: dead air gives the shared mounts to the fallback, sound that holds takes them back. */
	private readonly deadAir: DeadAirYield | undefined;
	private readonly routing: Routing | undefined;
	private readonly harbor: HarborDesk | undefined; // input.harbor: see harbor-desk.ts
	private readonly encoder: EncoderLoop;
	private readonly abort = new AbortController();
	private timers: NodeJS.Timeout[] = [];
	private readonly audio: AudioWatch;
	/** An output's or recording's event as this profile's (eventemitter3 cannot follow one generic event: a cast). */
	private readonly forward: Emit = (event, payload) => this.emit(event, payload as never);
	/** What the encoder's life changes here (encoder-watch.ts). */
	private readonly life: ProfileLife;
	/** At most one "now playing" change per target and interval (`now_playing.interval`). */
	private readonly nowPlaying: NowPlayingGate;

	constructor(
		readonly profile: Profile,
		private readonly options: SupervisorOptions = {},
	) {
		super();
		const log = (level: 'info' | 'warning' | 'error', message: string) => this.log(level, message);
		this.life = {
			profile: profile.name,
			outputs: () => this.icecastOutputs,
			set: (state, reason) => (state ? this.setState(state, reason) : (this.error = reason)),
			encoderEvent: (event) => this.emit('encoder', event),
			log: (level, message) => this.log(level, message),
		};
		this.plan = plan(profile, options.ffmpeg);
		this.nowPlaying = nowPlayingGate(profile);
		this.audio = new AudioWatch(profile.name, profile.silence, this.abort.signal, Boolean(profile.processing));
		this.audio.on('level', (audio) => this.emit('level', { profile: this.name, ...audio }));
		this.audio.on('silence', (event) => this.emit('silence', event));
		this.deadAir = deadAirOf(profile, this.audio, () => this.icecastOutputs, options.mounts, log);
		this.audio.on('log', (level, message) => this.log(level, message));
		this.routing = routingOf(profile, {
			log: (level, message) => this.log(level, message),
			jack: (event) => this.emit('jack', event),
			outputs: () => this.icecastOutputs,
		});
		this.harbor = harborOf({
			profile,
			plan: this.plan,
			audio: this.audio,
			taps: this.taps,
			outputs: () => this.icecastOutputs,
			mounts: options.mounts,
			addRecording: (sink) => this.watchRecording(sink),
			sinks: this.sinks,
			emit: (event) => this.emit('harbor', event),
			log,
			setMetadata: (metadata) => void this.setMetadata(metadata),
		});
		this.encoder = watchEncoder(
			new EncoderLoop(this.plan, this.taps, this.audio, this.routing, this.abort.signal, this.harbor?.pump),
			this.life,
		);
	}

	/** Read-only from outside: the supervisor alone moves its state. */
	get state(): ProfileState {
		return this.currentState;
	}

	get lastError(): string | null {
		return this.error;
	}

	get name(): string {
		return this.profile.name;
	}

	/**
	 * `holdShared`: its shared outputs stand by (`standby`) until resumed or handed a connection (a
	 * scheduled profile started ahead of its slot).
	 */
	async start(options: { holdShared?: boolean } = {}): Promise<void> {
		this.setState('starting');
		const credentials = await resolveCredentials(this.profile, this.options, (level, message) =>
			this.log(level, message),
		);
		// Stopped while the passwords were read: nothing to start.
		if (this.abort.signal.aborted) return;
		for (const encoder of this.plan.encoders) {
			const tap = new Tap(encoder.container);
			this.taps.set(encoder.fd, tap);
			// "Now playing" at start: the profile's info (a stream's own info wins), per encoding.
			const initial = metadataOf(encoder.streams[0]?.info ?? this.profile.info);
			if (initial) tap.setTags(initial);
			for (const target of encoder.streams) this.addOutput(encoder, tap, target, credentials.get(target.server)!);
			// A harbor records each DJ's set in files of its own (harbor-wiring.ts).
			if (!this.harbor)
				for (const spec of encoder.recordings)
					this.watchRecording(new RecordingSink(spec, this.profile, tap, initial ?? {}));
		}
		// Every output failed at birth (no password readable) and nothing records: nothing to start.
		this.wired = true;
		if (this.failIfNothingLeft()) return;
		const ffmpeg = this.plan.argv[0]!;
		// Nothing to send: no output starts, and none ever says live.
		if (!isInstalled(ffmpeg)) return giveUp(this.life, notInstalled(ffmpeg, 'ffmpeg'), 'E_MISSING_BINARY');
		this.harbor?.holdOutputs();
		const closed = this.harbor && (await openHarbor(this.harbor, this.profile, this.options.env));
		if (closed) return giveUp(this.life, closed.message, closed.code);
		if (options.holdShared)
			for (const output of this.icecastOutputs) if (output.shared && output.state !== 'failed') output.hold();
		// Outputs connect while files open; both before the encoder's first page. Held back before its slot, the
		// profile records nothing until it is on air: a show's file begins with the show.
		this.recordingsWait = options.holdShared === true;
		await Promise.all(
			this.sinks.all
				.filter((sink) => !(this.recordingsWait && sink instanceof RecordingSink))
				.map((sink) => sink.start()),
		);
		if (this.abort.signal.aborted) return;
		// Timers and routing before the encoder loop: a profile that fails at once may be stopped
		// by whoever hears that, and stop() must find everything there is to stop.
		const stats = this.options.statsIntervalMs ?? 2000;
		this.timers.push(setInterval(() => this.sinks.all.forEach((sink) => sink.tick?.()), 1000));
		this.timers.push(setInterval(() => this.emit('stats', { profile: this.name, ...this.sinks.status() }), stats));
		this.routing?.start();
		const noTools = this.routing && missingJackTools();
		if (noTools) this.log('error', noTools);
		this.encoder.start();
	}

	async stop(): Promise<void> {
		if (this.state === 'stopped' && !this.encoder.running) return;
		this.abort.abort();
		for (const timer of this.timers.splice(0)) clearInterval(timer);
		this.nowPlaying.close();
		// ffmpeg first: its last pages still reach the outputs and recordings before they close.
		await this.harbor?.stop();
		await this.routing?.stop();
		await this.encoder.stop();
		// ffmpeg's last pages are out: a shared mount another profile can cover goes on its connection.
		coverOnStop(this.name, this.icecastOutputs, this.options.mounts, (log) => this.emit('log', log));
		await Promise.all(this.sinks.all.map((sink) => sink.stop()));
		this.setState('stopped');
	}

	/** `jdcast disconnect` (on: false) or `jdcast connect` (on: true) of a source client of the JACK input. */
	routeClient(client: string, on: boolean): Promise<JackClientAnswer> {
		return routeClient(this.routing, this.name, client, on, (level, message) => this.log(level, message));
	}

	/** A reload left this profile running: clients held by `jdcast disconnect` come back. */
	releaseHeldClients(): Promise<void> {
		return releaseHeld(this.routing, this.name, (level, message) => this.log(level, message));
	}

	status(): ProfileStatus {
		return {
			name: this.name,
			state: this.currentState,
			lastError: this.error,
			encoder: { pid: this.encoder.pid, restarts: this.encoder.restarts, xruns: this.encoder.xruns },
			// A stopped profile is not heard: no levels, no dead air.
			audio: this.currentState === 'stopped' ? null : this.audio.status(),
			jack: this.routing ? this.routing.state : null,
			...this.sinks.status(),
			...(this.harbor ? { harbor: this.harbor.status() } : {}),
		};
	}

	get icecastOutputs(): IcecastOutput[] {
		return this.sinks.outputs;
	}

	private get recordings(): RecordingSink[] {
		return this.sinks.recordings;
	}

	/** New "now playing" for every stream of this profile, or for one mount: how, and how often, in now-playing.ts. */
	async setMetadata(given: Metadata, mount?: string): Promise<MetadataResult[]> {
		const to = { profile: this.name, plan: this.plan, taps: this.taps, gate: this.nowPlaying };
		const targets = { ...to, outputs: this.icecastOutputs, recordings: this.recordings };
		return sendNowPlaying(targets, given, mount, (event) => this.emit('metadata', event));
	}

	/**
	 * Feeds `mount` of `server` from this profile's encoder `fd` on a connection another profile
	 * gave up: this profile's output of that mount's fallback covers it, from inside the process,
	 * so that Icecast need not move the listeners (and MP3 listeners get whole frames).
	 */
	cover(server: ServerConfig, mount: string, fd: number, connection: SourceConnection): Promise<number> | undefined {
		if (this.abort.signal.aborted) return undefined;
		return coverWith(
			connection,
			coverOutput(this.plan, this.taps, this.icecastOutputs, server, mount, fd),
			(output) => {
				this.watchOutput(output);
				this.sinks.add(output);
			},
		);
	}

	/** Ends a cover: its connection was handed to the profile that wanted the mount. */
	uncover(output: IcecastOutput): void {
		this.sinks.remove(output);
		void output.stop();
	}

	private watchOutput(output: IcecastOutput): void {
		output.on('blocked', () => this.options.mounts?.takeFromCover(output));
		// A DJ who is silent when a shared mount comes to them (handed over, resumed, a slot) yields it within a second.
		if (output.shared && !output.covering)
			output.on('state', () => {
				this.deadAir?.outputChanged();
				this.harbor?.outputChanged(output);
				if (this.recordingsWait && output.onAir && !this.abort.signal.aborted) {
					this.recordingsWait = false;
					for (const recording of this.recordings) void recording.start();
				}
			});
		forwardOutputEvents(output, this.name, this.forward);
		output.on('state', (state) => state === 'failed' && this.failIfNothingLeft());
	}

	private addOutput(encoder: EncoderPlan, tap: Tap, target: StreamTarget, credentials: Credentials): void {
		// Watched and listed before it can fail at birth: its 'failed' is heard by whoever looks at the outputs.
		newOutput(this.profile.servers[target.server]!, encoder, tap, target, credentials, (output) => {
			this.watchOutput(output);
			this.sinks.add(output);
		});
	}

	private watchRecording(sink: RecordingSink): void {
		forwardRecordingEvents(sink, this.name, this.forward, (level, message) => this.log(level, message));
		this.sinks.add(sink);
	}

	/** Whether the profile has failed for want of any output or recording left (encoder-watch.ts). */
	private failIfNothingLeft(): boolean {
		if (!this.wired || this.currentState === 'failed' || this.abort.signal.aborted) return false;
		return failIfNothingLeft(this.life, this.recordings.length, async () => {
			await this.routing?.stop();
			await this.encoder.stop();
		});
	}

	private setState(state: ProfileState, reason?: string | null): void {
		if (reason !== undefined) this.error = reason;
		if (state === this.currentState) return;
		this.currentState = state;
		this.emit('profile', { profile: this.name, state, error: this.error });
	}

	private log(level: 'info' | 'warning' | 'error', message: string): void {
		this.emit('log', { profile: this.name, level, message });
	}
}
