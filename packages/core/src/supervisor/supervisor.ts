import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'eventemitter3';
import pRetry, { AbortError } from 'p-retry';
import { startEncoder, type RunningEncoder } from '../encoder/ffmpeg.js';
import { SecretError } from '../errors/index.js';
import { Tap } from '../fanout/tap.js';
import { Routing } from '../jack/routing.js';
import { IcecastOutput } from '../outputs/icecast-output.js';
import type { SourceConnection } from '../icecast/source-connection.js';
import { RecordingSink } from '../outputs/recording.js';
import { plan, type EncodePlan } from '../plan/plan.js';
import type { Secret } from '../profile/secret.js';
import { resolveAdmin, resolvePassword } from '../profile/secrets.js';
import { AudioWatch } from '../signal/audio-watch.js';
import { isInstalled, notInstalled, onPath } from '../util/which.js';
import { cleanMetadata, songLine, type Metadata, type MetadataResult } from '../metadata/types.js';
import type { Profile, ServerConfig } from '../profile/types.js';
import type { JdcastEvents, ProfileState, ProfileStatus, RecordingState } from '../status/types.js';
import { backoffDelay } from '../util/backoff.js';

export interface SupervisorOptions {
	/** ffmpeg binary; default `ffmpeg` from PATH. */
	ffmpeg?: string;
	env?: NodeJS.ProcessEnv;
	/** Passwords of embedded servers by server name (jdcast generated them). */
	embeddedPasswords?: Map<string, Secret>;
	/** Admin passwords of embedded servers by server name. */
	embeddedAdminPasswords?: Map<string, Secret>;
	/** Why an embedded server of this profile could not start, by server name. */
	embeddedFailures?: Map<string, string>;
	/** How often stats events are emitted. */
	statsIntervalMs?: number;
}

const ENCODER_RETRY = { firstMs: 250, capMs: 3000 };
/** An encoder that ran this long before exiting starts its backoff afresh. */
const STABLE_RUN_MS = 10_000;
/**
 * An encoder that fails this often in a row without producing audio is given up (the profile
 * fails with ffmpeg's reason), unless the cause is a JACK server that is not there: that is
 * waited for.
 */
const MAX_QUICK_FAILURES = 5;
/** A running encoder whose pipes deliver nothing for this long is stalled: killed and restarted. */
const STALL_MS = 3000;
/** A new encoder gets this long for its first bytes (a loaded machine starts ffmpeg slowly). */
const FIRST_BYTES_MS = 10_000;
const JACK_ABSENT = /JACK server (not running|went away)/;
/**
 * Dead air released the shared mounts: sound takes them back once the silence has ended and 1 s more
 * passed (2 s in all).
 */
const YIELD_TAKE_BACK_MS = 1000;

interface Credentials {
	password?: Secret;
	admin?: { user: string; password: Secret };
	failure?: { message: string; code: string };
}

class EncoderExit extends Error {
	constructor(
		readonly reason: string,
		readonly producedAudio: boolean,
		readonly ranMs: number,
	) {
		super(reason);
	}
}

/**
 * One profile at work: one supervised ffmpeg, a tap per encoder, an Icecast output per target,
 * a sink per recording, and the JACK routing. Everything inside fails alone: a target that cannot
 * connect does not touch the encoder; an encoder restart does not drop a connection.
 */
export class Supervisor extends EventEmitter<JdcastEvents> {
	private currentState: ProfileState = 'stopped';
	private restartCount = 0;
	/** Audio lost before encoding (ffmpeg's JACK input overran). */
	xruns = 0;
	private error: string | null = null;
	readonly plan: EncodePlan;
	private readonly taps = new Map<number, Tap>();
	private readonly outputs: IcecastOutput[] = [];
	/**
	 * Set by the orchestrator: offered each shared output that is about to give up its mount (the
	 * profile stopping, dead air), so that another profile of this process can cover it; returns
	 * whether it took the connection. And told when a shared output finds its mount held.
	 */
	releaseShared: ((output: IcecastOutput) => boolean) | undefined;
	mountWanted: ((output: IcecastOutput) => void) | undefined;
	private readonly recordings: RecordingSink[] = [];
	/** The schedule's profile on air, for recordings split by slot. */
	private slot: string | null = null;
	/** Shared outputs released for dead air (`silence.action: yield`), and the timer that takes them back. */
	private yielded: IcecastOutput[] = [];
	private takeBack: NodeJS.Timeout | undefined;
	private readonly routing: Routing | undefined;
	private encoder: RunningEncoder | undefined;
	private encoderLoop: Promise<void> | undefined;
	private readonly abort = new AbortController();
	private timers: NodeJS.Timeout[] = [];
	private readonly audio: AudioWatch;

	constructor(
		readonly profile: Profile,
		private readonly options: SupervisorOptions = {},
	) {
		super();
		this.plan = plan(profile, options.ffmpeg);
		this.audio = new AudioWatch(profile.name, profile.silence, this.abort.signal);
		this.audio.on('level', (audio) => this.emit('level', { profile: this.name, ...audio }));
		this.audio.on('silence', (event) => {
			this.emit('silence', event);
			if (profile.silence && profile.silence.action === 'yield') this.yieldOnSilence(event.state);
		});
		this.audio.on('log', (level, message) => this.log(level, message));
		if (profile.input.kind === 'jack') {
			const routing = new Routing(profile.input);
			this.routing = routing;
			routing.on('connected', (from, to) => this.log('info', `connected ${from} -> ${to}`));
			routing.on('server', (running) => {
				if (!running) this.log('warning', 'JACK server not running');
				this.emit('jack', { profile: this.name, ...routing.state, serverRunning: running });
			});
			routing.on('changed', (state) =>
				this.emit('jack', { profile: this.name, ...state, serverRunning: routing.serverRunning }),
			);
		}
	}

	/** Read-only from outside: the supervisor alone moves its state. */
	get state(): ProfileState {
		return this.currentState;
	}

	get restarts(): number {
		return this.restartCount;
	}

	get lastError(): string | null {
		return this.error;
	}

	get name(): string {
		return this.profile.name;
	}

	get encoderPid(): number | null {
		return this.encoder?.pid ?? null;
	}

	/**
	 * `holdShared`: its shared outputs wait (`waiting`) until resumed or handed a connection (a scheduled
	 * profile started ahead of its slot).
	 */
	async start(options: { holdShared?: boolean } = {}): Promise<void> {
		this.setState('starting');
		const credentials = await this.resolveCredentials();
		for (const encoder of this.plan.encoders) {
			const tap = new Tap(encoder.container);
			this.taps.set(encoder.fd, tap);
			// "Now playing" at start: the profile's info (a stream's own info wins), per encoding.
			const initial = metadataOf(encoder.streams[0]?.info ?? this.profile.info);
			if (initial) tap.setTags(initial);
			for (const target of encoder.streams) {
				const { password, admin, failure } = credentials.get(target.server)!;
				const output = new IcecastOutput(
					this.profile.servers[target.server]!,
					target.mount,
					target.info,
					encoder,
					tap,
					password,
					target.shared,
				);
				this.watchOutput(output);
				this.outputs.push(output);
				if (failure) output.fail(failure.message, failure.code);
				output.admin = admin;
				const own = metadataOf(target.info);
				if (own) void output.setMetadata(own);
			}
			for (const spec of encoder.recordings) {
				const sink = new RecordingSink(spec, this.profile, tap, initial ?? {}, this.slot);
				const event = (state: RecordingState, error: string | null) => {
					const { path, seconds, partBytes } = sink.status();
					this.emit('recording', { profile: this.name, path, state, error, seconds, partBytes });
				};
				sink.on('state', event);
				sink.on('part', (file, reason) => {
					this.log('info', `recording continues in ${file} (${reason})`);
					event(sink.state, null);
				});
				sink.on('removed', (files) => this.log('info', `old recording files removed (keep): ${files.join(', ')}`));
				sink.on('gap', (message) => this.log('warning', message));
				sink.on('note', (message) => this.log('warning', message));
				this.recordings.push(sink);
			}
		}
		await Promise.all(this.recordings.map((r) => r.start()));
		const ffmpeg = this.plan.argv[0]!;
		if (!isInstalled(ffmpeg)) {
			// Nothing to send: no output starts, and none ever says live.
			this.giveUp(notInstalled(ffmpeg, 'ffmpeg'), 'E_MISSING_BINARY');
			return;
		}
		for (const output of this.outputs) {
			if (output.state === 'failed') continue;
			if (options.holdShared && output.shared) output.hold();
			output.start();
		}
		// Timers and routing before the encoder loop: a profile that fails at once may be stopped
		// by whoever hears that, and stop() must find everything there is to stop.
		const stats = this.options.statsIntervalMs ?? 2000;
		this.timers.push(setInterval(() => this.outputs.forEach((o) => o.tick()), 1000));
		this.timers.push(setInterval(() => this.emit('stats', { profile: this.name, ...this.statusParts() }), stats));
		this.routing?.start();
		// Without JACK's tools ffmpeg still reads JACK, but no connection is made or watched: say so.
		const tools = this.routing ? ['jack_lsp', 'jack_connect'].filter((tool) => !onPath(tool)) : [];
		if (tools.length > 0)
			this.log(
				'error',
				`${notInstalled(tools.join(' and '), 'jackd2')}: JACK connections are neither made nor watched`,
			);
		this.encoderLoop = this.superviseEncoder();
	}

	async stop(): Promise<void> {
		if (this.state === 'stopped' && !this.encoderLoop) return;
		this.abort.abort();
		for (const timer of this.timers) clearInterval(timer);
		clearTimeout(this.takeBack);
		this.timers = [];
		// ffmpeg first: its last pages still reach the outputs and recordings before they close.
		await this.routing?.stop();
		await this.encoder?.stop();
		await this.encoderLoop?.catch(() => {});
		this.encoderLoop = undefined;
		// ffmpeg's last pages are out: a shared mount another profile can cover goes on its connection.
		for (const output of this.outputs) if (output.shared && output.onAir) this.releaseShared?.(output);
		await Promise.all([...this.outputs.map((o) => o.stop()), ...this.recordings.map((r) => r.stop())]);
		this.setState('stopped');
	}

	status(): ProfileStatus {
		return {
			name: this.name,
			state: this.currentState,
			lastError: this.error,
			encoder: { pid: this.encoderPid, restarts: this.restartCount, xruns: this.xruns },
			// A stopped profile is not heard: no levels, no dead air.
			audio: this.currentState === 'stopped' ? null : this.audio.status(),
			jack: this.routing ? this.routing.state : null,
			...this.statusParts(),
		};
	}

	private statusParts(): Pick<ProfileStatus, 'outputs' | 'recordings'> {
		return { outputs: this.outputs.map((o) => o.status()), recordings: this.recordings.map((r) => r.status()) };
	}

	/**
	 * Each server's source password and admin credentials. A server whose password cannot be read
	 * (or whose embedded icecast2 did not start) fails its own outputs, not the profile; admin
	 * credentials that cannot be read leave metadata updates to the source credentials.
	 */
	private async resolveCredentials(): Promise<Map<string, Credentials>> {
		const result = new Map<string, Credentials>();
		const { env, embeddedPasswords, embeddedAdminPasswords, embeddedFailures } = this.options;
		for (const server of Object.values(this.profile.servers)) {
			const embeddedFailure = embeddedFailures?.get(server.name);
			if (embeddedFailure) {
				result.set(server.name, { failure: { message: embeddedFailure, code: 'E_ICECAST_EMBEDDED' } });
				continue;
			}
			const credentials: Credentials = {};
			try {
				credentials.password = await resolvePassword(this.profile, server, env, embeddedPasswords?.get(server.name));
			} catch (error) {
				if (!(error instanceof SecretError)) throw error;
				this.log(
					'error',
					`${error.diagnostic.file}:${error.diagnostic.line}:${error.diagnostic.col}: ${error.message}`,
				);
				credentials.failure = { message: error.message, code: error.code };
			}
			try {
				credentials.admin = await resolveAdmin(this.profile, server, env, embeddedAdminPasswords?.get(server.name));
			} catch (error) {
				if (!(error instanceof SecretError)) throw error;
				this.log('warning', `${error.message}; metadata updates use the source credentials`);
			}
			result.set(server.name, credentials);
		}
		return result;
	}

	/** The schedule's profile on air changed (null: nobody): recordings split by slot begin a new file. */
	newSlot(profile: string | null): void {
		this.slot = profile;
		for (const recording of this.recordings) recording.newSlot(profile);
	}

	/**
	 * New "now playing" for every stream of this profile, or for one mount. Ogg encodings get it
	 * in band (a new link of the chain, for every mount and recording of that encoding); MP3
	 * mounts through Icecast's admin API. Resolves once each target has it, with one result each.
	 */
	async setMetadata(given: Metadata, mount?: string): Promise<MetadataResult[]> {
		const metadata = cleanMetadata(given);
		const results: Promise<MetadataResult>[] = [];
		for (const encoder of this.plan.encoders) {
			if (mount !== undefined && !encoder.streams.some((s) => s.mount === mount)) continue;
			const inBand = this.taps.get(encoder.fd)?.setTags(metadata) ?? false;
			for (const output of this.outputs.filter((o) =>
				encoder.streams.some((s) => s.server === o.server.name && s.mount === o.mount),
			)) {
				const base = {
					profile: this.name,
					server: output.server.name,
					mount: output.mount,
					via: inBand ? ('in-band' as const) : ('admin' as const),
				};
				results.push(
					output.setMetadata(metadata).then(
						() => ({ ...base, ok: true, error: null }),
						(error: Error) => ({ ...base, ok: false, error: error.message }),
					),
				);
			}
		}
		// Recordings mark the change in their track lists (the file itself stays one stream).
		for (const recording of this.recordings) if (mount === undefined) recording.mark(metadata);
		const done = await Promise.all(results);
		this.emit('metadata', { profile: this.name, nowPlaying: songLine(metadata), results: done });
		return done;
	}

	get icecastOutputs(): readonly IcecastOutput[] {
		return this.outputs;
	}

	get mounts(): string[] {
		return [...new Set(this.plan.encoders.flatMap((e) => e.streams.map((s) => s.mount)))];
	}

	/**
	 * Feeds `mount` of `server` from this profile's encoder `fd` on a connection another profile
	 * gave up: this profile's output of that mount's fallback covers it, from inside the process,
	 * so that Icecast need not move the listeners (and MP3 listeners get whole frames).
	 */
	cover(server: ServerConfig, mount: string, fd: number, connection: SourceConnection): IcecastOutput | undefined {
		const encoder = this.plan.encoders.find((e) => e.fd === fd);
		const tap = this.taps.get(fd);
		const own = this.outputs.find((o) => o.encoding === encoder && o.server.name === server.name);
		if (!encoder || !tap || !own || this.abort.signal.aborted) return undefined;
		const output = new IcecastOutput(server, mount, own.info, encoder, tap, own.password, true);
		output.covering = true;
		this.watchOutput(output);
		this.outputs.push(output);
		output.hold();
		output.start();
		void output.adopt(connection);
		return output;
	}

	/** Ends a cover: its connection was handed to the profile that wanted the mount. */
	uncover(output: IcecastOutput): void {
		const at = this.outputs.indexOf(output);
		if (at >= 0) this.outputs.splice(at, 1);
		void output.stop();
	}

	private watchOutput(output: IcecastOutput): void {
		output.on('blocked', () => this.mountWanted?.(output));
		// A DJ who is silent already when a shared mount comes to them (handed over, resumed) yields it at once.
		output.on('state', (state) => {
			if (
				state === 'live' &&
				output.shared &&
				!output.covering &&
				this.profile.silence &&
				this.profile.silence.action === 'yield' &&
				this.audio.status()?.silent
			)
				queueMicrotask(() => this.yieldMounts([output]));
		});
		const base = {
			profile: this.name,
			server: output.server.name,
			mount: output.mount,
			format: output.status().format,
		};
		output.on('state', (state, error) =>
			this.emit('output', {
				...base,
				state,
				error: error?.message ?? output.lastError,
				code: error?.code ?? output.lastErrorCode,
			}),
		);
		output.on('retry', ({ attempt, delayMs, error }) =>
			this.emit('retry', {
				profile: this.name,
				server: base.server,
				mount: base.mount,
				attempt,
				delayMs,
				code: error.code,
				cause: error.message,
			}),
		);
	}

	/** Runs ffmpeg, and again after every unexpected exit, with backoff (p-retry). */
	private async superviseEncoder(): Promise<void> {
		const signal = this.abort.signal;
		let quickFailures = 0;
		let streak = 0;
		await pRetry(() => this.runEncoderOnce(), {
			retries: Number.POSITIVE_INFINITY,
			minTimeout: 0,
			factor: 1,
			signal,
			onFailedAttempt: async ({ error }) => {
				if (signal.aborted) return;
				const exit = error instanceof EncoderExit ? error : new EncoderExit(error.message, false, 0);
				this.restartCount++;
				this.error = exit.reason;
				streak = exit.ranMs > STABLE_RUN_MS ? 1 : streak + 1;
				quickFailures = exit.producedAudio || JACK_ABSENT.test(exit.reason) ? 0 : quickFailures + 1;
				if (quickFailures >= MAX_QUICK_FAILURES) {
					this.giveUp(
						`ffmpeg failed ${quickFailures} times in a row without producing audio: ${exit.reason}`,
						'E_ENCODER_FAILED',
					);
					throw new AbortError(exit.reason);
				}
				this.setState('restarting');
				this.emit('encoder', {
					profile: this.name,
					pid: null,
					restarts: this.restartCount,
					running: false,
					reason: exit.reason,
				});
				this.log('warning', `ffmpeg exited (${exit.reason}); restarting`);
				await sleep(backoffDelay(streak + 1, ENCODER_RETRY), undefined, { signal }).catch(() => {});
				await this.routing?.untilServerRuns(signal);
			},
		}).catch((error: unknown) => {
			if (!signal.aborted && this.currentState !== 'failed')
				this.log('error', error instanceof Error ? error.message : String(error));
		});
	}

	/** The encoder cannot run: the profile fails, and so does every output (no `live` without audio). */
	private giveUp(message: string, code: string): void {
		this.error = message;
		this.log('error', message);
		this.setState('failed');
		for (const output of this.outputs) {
			if (output.state === 'connecting' && !output.started) output.fail(message, code);
			else void output.stop().then(() => output.fail(message, code));
		}
	}

	private async runEncoderOnce(): Promise<void> {
		const started = performance.now();
		let producedAudio = false;
		const encoder = startEncoder(this.plan, (line) => this.encoderSaid(line));
		this.encoder = encoder;
		this.emit('encoder', {
			profile: this.name,
			pid: encoder.pid,
			restarts: this.restartCount,
			running: true,
			reason: null,
		});
		const lastBytes = new Map<number, number>();
		try {
			for (const [fd, pipe] of encoder.pipes) {
				const tap = this.taps.get(fd)!;
				tap.restart();
				lastBytes.set(fd, started);
				pipe.on('data', (chunk: Buffer) => {
					lastBytes.set(fd, performance.now());
					tap.push(chunk);
					if (!producedAudio) {
						producedAudio = true;
						this.error = null;
						this.setState('running');
					}
				});
			}
			if (encoder.meter) this.audio.attach(encoder.meter);
		} catch (error) {
			// An ffmpeg nobody reads must not run on beside the next one.
			encoder.kill();
			throw error;
		}
		let stalled: string | undefined;
		const watchdog = setInterval(() => {
			stalled ??= this.stallOf(encoder, lastBytes, producedAudio);
		}, 250);
		this.routing?.clientStarting(() => this.encoder !== encoder || this.abort.signal.aborted);
		const exit = await encoder.exited;
		clearInterval(watchdog);
		await Promise.all(
			[...encoder.pipes.values()].map((p) => (p.readableEnded ? undefined : new Promise((r) => p.once('close', r)))),
		);
		if (this.encoder === encoder) this.encoder = undefined;
		if (this.abort.signal.aborted) return;
		const reason = stalled ?? (exit.code === null ? `${exit.reason} (${exit.signal ?? 'killed'})` : exit.reason);
		throw new EncoderExit(reason, producedAudio, performance.now() - started);
	}

	/**
	 * Every pipe of a running encoder must deliver: one that has been quiet for STALL_MS (a
	 * stopped or hung ffmpeg: listeners hear nothing) gets the encoder killed and restarted (the
	 * restart waits for the JACK server, should that be what is gone). Returns the reason once it did.
	 */
	private stallOf(encoder: RunningEncoder, lastBytes: Map<number, number>, flowing: boolean): string | undefined {
		if (this.encoder !== encoder || this.abort.signal.aborted) return undefined;
		const quietMs = performance.now() - Math.min(...lastBytes.values());
		if (quietMs < (flowing ? STALL_MS : FIRST_BYTES_MS)) return undefined;
		const cause = this.routing && !this.routing.serverRunning ? ' (the JACK server is not answering)' : '';
		const reason = `ffmpeg stalled: no audio for ${(quietMs / 1000).toFixed(1)} s${cause}`;
		this.log('warning', `${reason}; killed (pid ${encoder.pid}) and restarted`);
		encoder.kill();
		return reason;
	}

	/** One line of ffmpeg's stderr: an xrun is audio lost before encoding, never invisible. */
	private encoderSaid(line: string): void {
		// What ffmpeg says while we stop it, or about a channel layout it rightly guessed (or that the
		// tone's pan filter sets anew), is noise.
		if (this.abort.signal.aborted || line.includes('Guessed Channel Layout') || line.includes('ignoring layout'))
			return;
		if (/xrun/i.test(line)) {
			this.xruns++;
			this.log('warning', `audio lost before encoding (JACK xrun, ${this.xruns} so far): ${line}`);
			return;
		}
		this.log('warning', `ffmpeg: ${line}`);
	}

	private setState(state: ProfileState): void {
		if (state === this.currentState) return;
		this.currentState = state;
		this.emit('profile', { profile: this.name, state, error: this.error });
	}

	/**
	 * `silence.action: yield`: dead air releases the shared mounts (their fallback takes the
	 * listeners); sound takes them back once it has held for 2 s (1 s to end the silence, 1 more).
	 */
	private yieldOnSilence(state: 'started' | 'ended'): void {
		clearTimeout(this.takeBack);
		const shared = this.outputs.filter((o) => o.shared);
		if (state === 'started') {
			this.yieldMounts(shared.filter((o) => o.onAir));
			return;
		}
		const yielded = this.yielded;
		this.takeBack = setTimeout(() => {
			this.yielded = [];
			// Only what is still released: one handed over or stopped since is not this timer's.
			for (const output of yielded) if (output.state === 'waiting') output.resume();
			if (yielded.length) this.log('info', `sound is back: taking ${yielded.map((o) => o.mount).join(', ')} again`);
		}, YIELD_TAKE_BACK_MS);
		this.takeBack.unref();
	}

	private yieldMounts(outputs: IcecastOutput[]): void {
		for (const output of outputs) {
			// Covered from inside this process if another profile feeds its fallback (keep); else Icecast moves the
			// listeners.
			if (!this.releaseShared?.(output)) output.release();
			else output.hold();
		}
		this.yielded = [...this.yielded.filter((o) => !outputs.includes(o)), ...outputs];
		if (outputs.length)
			this.log(
				'warning',
				`silent: released ${outputs.map((o) => o.mount).join(', ')} to the fallback until sound comes back`,
			);
	}

	private log(level: 'info' | 'warning' | 'error', message: string): void {
		this.emit('log', { profile: this.name, level, message });
	}
}

function metadataOf(info: { title?: string; artist?: string }): Metadata | undefined {
	if (info.title === undefined && info.artist === undefined) return undefined;
	return cleanMetadata({
		...(info.title !== undefined ? { title: info.title } : {}),
		...(info.artist !== undefined ? { artist: info.artist } : {}),
	});
}
