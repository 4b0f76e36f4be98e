import { EventEmitter } from 'eventemitter3';
import { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tap } from '../fanout/tap.js';
import { IcecastError } from '../icecast/errors.js';
import { sourceHeaders } from '../icecast/headers.js';
import { SourceConnection } from '../icecast/source-connection.js';
import { trustedCa } from '../icecast/tls-ca.js';
import type { EncoderPlan } from '../plan/plan.js';
import type { Secret } from '../profile/secret.js';
import type { ServerConfig, StreamInfo } from '../profile/types.js';
import { updateAdminMetadata } from '../metadata/admin.js';
import { songLine, type Metadata } from '../metadata/types.js';
import type { Sink } from './sink.js';
import type { OutputState, OutputStatus } from '../status/types.js';
import { backoffDelay } from '../util/backoff.js';
import { retryForever } from '../util/retry.js';
import { RateMeter } from './rate.js';
import { endOfStreamPage } from '../ogg/build.js';
import { FLAG_EOS, readPage } from '../ogg/page.js';

/**
 * Transient faults: back within half a second of the server accepting again. A refused
 * connection costs next to nothing, so knocking twice a second is fine.
 */
const RETRY = { firstMs: 100, capMs: 500 };
/** "Mountpoint in use": another source may let go, but knocking every second is rude. */
const RETRY_MOUNT_IN_USE = { firstMs: 1000, capMs: 5000 };
/** A shared mount held by another DJ is taken the moment it is free: asked this often. */
const SHARED_POLL_MS = 100;
/** A server dropped as too slow (E_ICECAST_SLOW) is tried again after this, growing. */
const RETRY_SLOW = { firstMs: 2000, capMs: 30_000 };
/** A connection that held this long wipes out earlier slow drops, and the mark they left. */
const SLOW_FORGIVEN_MS = 60_000;
/**
 * A connection the server closes sooner than this after accepting it is a failure like a refusal
 * (a server that accepts and closes at once must not be knocked on 50 times a second): the next
 * try waits at least a second, growing.
 */
const SHORT_LIVED_MS = 2000;
const RETRY_SHORT_LIVED = { firstMs: 1000, capMs: 10_000 };
const ANSWER_TIMEOUT_MS = 5000;
/** Seconds of audio that may wait for a slow server before it counts as stalled. */
const QUEUE_SECONDS = 10;
const MIN_QUEUE_BYTES = 256 * 1024;
/** A connected output whose encoder delivered nothing for this long is `stalled`, not `live`. */
const STALLED_AFTER_MS = 1500;

/** An Ogg page that ends the logical stream `last` (a page of it) belongs to. */
function endOfStream(last: Buffer): Buffer | undefined {
	const page = readPage(last, 0, false);
	// ffmpeg's own last page (a profile stopping) already ends it.
	if (typeof page !== 'object' || page.flags & FLAG_EOS) return undefined;
	return endOfStreamPage({ serial: page.serial, sequence: page.sequence + 1, granule: page.granule });
}

/** Why a shared output stands by: its mount handed to another profile, held back before its slot, or yielded for dead air. */
export type ParkReason = 'handover' | 'hold' | 'yield';

export interface IcecastOutputEvents {
	state: [state: OutputState, error: IcecastError | undefined];
	/** A shared mount it seeks is held by another source (once per wait). */
	blocked: [];
	retry: [info: { attempt: number; delayMs: number; error: IcecastError }];
}

/**
 * One stream target: a mount on a server, fed from its encoder's tap. Connects, stays live,
 * and reconnects on its own with p-retry; a wrong password stops it at once. Nothing here
 * ever touches the encoder: a network fault costs only this target.
 */
export class IcecastOutput extends EventEmitter<IcecastOutputEvents> implements Sink {
	state: OutputState = 'connecting';
	bytesSent = 0;
	lastError: string | null = null;
	lastErrorCode: string | null = null;
	private heardListeners: number | null = null;
	liveSince: Date | null = null;
	private kbps = 0;
	private readonly rate = new RateMeter();
	private readonly abort = new AbortController();
	private connection: SourceConnection | undefined;
	private unsubscribe: (() => void) | undefined;
	private running: Promise<void> | undefined;
	private metadata: Metadata | undefined;
	private lastUnitAt = 0;
	private attempts = 0;
	/** Handed over, or released while silent: no connection, none sought, until adopted or resumed. */
	private parked: { wake: () => void; woken: Promise<void>; why: ParkReason } | undefined;
	/** A live connection handed over by another output of this mount, taken at the next turn. */
	private adopted:
		| { connection: SourceConnection; firstWrite: (at: number) => void; refuse: (error: Error) => void }
		| undefined;
	/** Ends the current wait for a connection (to take an adopted one instead). */
	private cycle: AbortController | undefined;
	/** Ends the current stay on a connection without closing it (it is handed over). */
	private leave: (() => void) | undefined;
	/** The last unit written (an Ogg page ends a stream properly when it is handed over). */
	private lastUnit: Buffer | undefined;
	/**
	 * After a drop as too slow, or a connection the server closed at once: the cause stays in
	 * `lastError` until this moment of keeping up (0: no mark; infinity: no connection kept up yet), so
	 * `live` is never shown plain.
	 */
	private markedUntil = 0;
	private everParked = false;

	/** Connection attempts after the first: every retry and every reconnect after a drop. */
	get reconnects(): number {
		return Math.max(0, this.attempts - 1);
	}
	/** Feeds another profile's shared mount from this profile's fallback encoding, until a DJ wants it. */
	covering = false;
	/** Credentials for Icecast's admin API (MP3 metadata); the source ones when none are given. */
	admin: { user: string; password: Secret } | undefined;

	constructor(
		readonly server: ServerConfig,
		readonly mount: string,
		readonly info: StreamInfo,
		private readonly encoder: EncoderPlan,
		private readonly tap: Tap,
		/** Undefined when it could not be resolved: the output is then failed, never started. */
		readonly password: Secret | undefined,
		/** Taken in turns with other sources: while another holds the mount this output is `waiting`. */
		readonly shared = false,
	) {
		super();
	}

	/** Connects and sends; an output failed before it began (no password, say) stays failed. */
	start(): void {
		if (this.state === 'failed' && !this.running) return;
		this.running ??= this.run();
	}

	/** Connected and sending (or stalled, its connection kept): it holds its mount. */
	get onAir(): boolean {
		return this.state === 'live' || this.state === 'stalled';
	}

	/** The encoder's units it sends (an air check of its mount records them while it holds the mount). */
	get feed(): Tap {
		return this.tap;
	}

	/** The encoding it sends: a mount is handed only between outputs of the same. */
	get encoding(): EncoderPlan {
		return this.encoder;
	}

	/** Listener count from the server's status page, when known. */
	get audience(): number | null {
		return this.heardListeners;
	}

	/** The count the orchestrator read from the server: taken while live, kept otherwise. */
	heard(listeners: number | undefined): void {
		if (this.state === 'live') this.heardListeners = listeners ?? 0;
	}

	/** Whether its encoder has produced anything yet (a handover waits for it). */
	get hasAudio(): boolean {
		return this.tap.bytesIn > 0;
	}

	/** Whether `start` was called (a target that never started has nothing to stop). */
	get started(): boolean {
		return this.running !== undefined;
	}

	async stop(): Promise<void> {
		this.abort.abort();
		// A connection handed over but not taken yet: nobody will feed it.
		if (this.adopted) {
			this.adopted.connection.close();
			this.adopted.refuse(
				new IcecastError('E_ICECAST_CLOSED', `${this.mount} stopped before it took over the connection`),
			);
			this.adopted = undefined;
		}
		this.parked?.wake();
		this.unsubscribe?.();
		this.connection?.close();
		await this.running?.catch(() => {});
		this.setState('stopped');
	}

	/**
	 * Gives up the mount without closing the connection, for another output of the same mount to
	 * adopt (a handover inside one jdcast: listeners stay connected). Returns the connection and
	 * when its last unit was written; undefined when it was not on air. The output is then
	 * `standby` and does not seek the mount again until it adopts one or `resume` is called.
	 */
	handOff(): { connection: SourceConnection; lastWriteAt: number } | undefined {
		this.park('handover');
		const connection = this.connection;
		const leave = this.leave;
		if (!connection || !leave) return undefined;
		leave();
		// Ogg: the stream this output sent ends here, so that the next one starts a clean chain link.
		const end = this.encoder.container === 'ogg' && this.lastUnit ? endOfStream(this.lastUnit) : undefined;
		if (end) connection.write(end);
		return { connection, lastWriteAt: this.lastUnitAt };
	}

	/** Goes on air on a connection handed over by another output; resolves with the time of the first unit written. */
	adopt(connection: SourceConnection): Promise<number> {
		return new Promise((firstWrite, refuse) => {
			// An output that is not running any more (failed, stopped), or one already taking a connection, cannot
			// take this one.
			if (!this.running || this.abort.signal.aborted || this.state === 'failed' || this.adopted) {
				refuse(
					new IcecastError(
						'E_ICECAST_CLOSED',
						`${this.mount} on ${this.server.name} cannot take over a connection now (${this.state})`,
					),
				);
				return;
			}
			this.adopted = { connection, firstWrite, refuse };
			this.cycle?.abort();
			this.unpark();
		});
	}

	/** Releases the mount (closing the connection) until `resume`: the fallback takes the listeners. */
	release(): void {
		this.park('yield');
		this.connection?.close();
	}

	/**
	 * The output stands by without seeking the mount, until resumed or handed a connection: held back
	 * before its slot (`hold`), or given up for dead air on a connection another profile took (`yield`).
	 */
	hold(why: 'hold' | 'yield' = 'hold'): void {
		this.park(why);
	}

	/**
	 * Whether it ever stood by: its mount then came to it later (a handover, a slot, a take-back), not at
	 * its profile's start. A DJ silent at such a moment gives the mount up at once (dead air yield).
	 */
	get cameLater(): boolean {
		return this.everParked;
	}

	/** Why it stands by (handed over, held back, yielded for dead air); undefined while it seeks or holds its mount. */
	get parkedFor(): ParkReason | undefined {
		return this.parked?.why;
	}

	/** Seeks the mount again after `handOff`, `release` or `hold`. */
	resume(): void {
		this.unpark();
	}

	private park(why: ParkReason): void {
		this.everParked = true;
		if (!this.parked) {
			let wake = () => {};
			const woken = new Promise<void>((resolve) => (wake = resolve));
			this.parked = { wake, woken, why };
		}
		this.parked.why = why;
		this.cycle?.abort();
		this.setState('standby');
	}

	private unpark(): void {
		const parked = this.parked;
		this.parked = undefined;
		parked?.wake();
	}

	/**
	 * "Now playing" for this target. Ogg targets get it in band from their tap (nothing to do
	 * here but remember it for status); MP3 targets through Icecast's admin API, now if live and
	 * again after every reconnect (Icecast forgets it with the source).
	 */
	async setMetadata(metadata: Metadata): Promise<void> {
		this.metadata = metadata;
		if (this.encoder.container === 'mp3' && this.state === 'live') await this.sendAdminMetadata();
	}

	get nowPlaying(): string | null {
		return this.metadata ? songLine(this.metadata) : null;
	}

	private async sendAdminMetadata(): Promise<void> {
		const credentials = this.admin ?? (this.password ? { user: this.server.user, password: this.password } : undefined);
		if (!this.metadata || !credentials) return;
		const ca = await trustedCa(this.server);
		await updateAdminMetadata(
			{
				host: this.server.host,
				port: this.server.port,
				tls: this.server.tls,
				...(ca === undefined ? {} : { ca }),
				mount: this.mount,
				...credentials,
			},
			songLine(this.metadata),
		);
	}

	/** Marks the target failed before it ever connects (e.g. its password could not be read). */
	fail(message: string, code: string): void {
		this.note({ message, code });
		this.setState('failed');
	}

	/** The latest cause, in plain words and as a code; undefined: all is well again. */
	private note(cause: { message: string; code: string } | undefined): void {
		this.lastError = cause?.message ?? null;
		this.lastErrorCode = cause?.code ?? null;
	}

	/** What a listener would find: a rate, listeners and a time on air only while it is on air. */
	status(): OutputStatus {
		const onAir = this.onAir;
		return {
			server: this.server.name,
			mount: this.mount,
			shared: this.shared,
			format: this.encoder.format,
			bitrate: this.encoder.bitrate ?? null,
			state: this.state,
			bytesSent: this.bytesSent,
			kbps: onAir ? this.kbps : 0,
			reconnects: this.reconnects,
			lastError: this.lastError,
			lastErrorCode: this.lastErrorCode,
			listeners: onAir ? this.heardListeners : null,
			nowPlaying: this.nowPlaying,
			liveSince: onAir ? (this.liveSince?.toISOString() ?? null) : null,
			url: `${this.server.tls ? 'https' : 'http'}://${this.server.host}:${this.server.port}${this.mount}`,
		};
	}

	/**
	 * Called once a second by the supervisor: the rate, whether the encoder still delivers (live
	 * or stalled), and whether the server still takes what it is sent (else dropped as slow).
	 */
	tick(now = Date.now()): void {
		this.kbps = this.onAir ? this.rate.sample(this.bytesSent) : 0;
		if (this.state === 'live' && now - this.lastUnitAt > STALLED_AFTER_MS) this.setState('stalled');
		// The mark of a slow or short-lived connection goes once this one has kept up for a minute.
		if (this.markedUntil && now >= this.markedUntil && this.onAir) {
			this.markedUntil = 0;
			this.note(undefined);
			this.emit('state', this.state, undefined);
		}
		this.connection?.checkProgress(now);
	}

	/** The encoder is gone: no audio comes until the next one's first page. */
	inputLost(): void {
		if (this.state === 'live') this.setState('stalled');
	}

	private async run(): Promise<void> {
		const signal = this.abort.signal;
		let slowDrops = 0;
		let shortDrops = 0;
		while (!signal.aborted) {
			if (this.parked) {
				await this.parked.woken;
				continue;
			}
			const adopted = this.adopted;
			this.adopted = undefined;
			if (adopted?.connection.ended) {
				adopted.refuse(new IcecastError('E_ICECAST_CLOSED', 'the connection handed over had already ended'));
				continue;
			}
			const connection = adopted?.connection ?? (await this.connect());
			if (!connection) {
				if (this.state === 'failed') return;
				continue;
			}
			const connectedAt = Date.now();
			const closed = await this.stayLive(connection, adopted?.firstWrite);
			if (signal.aborted || this.parked) continue;
			const cause = closed ?? new IcecastError('E_ICECAST_CLOSED', 'connection closed');
			const lived = Date.now() - connectedAt;
			this.note(cause);
			this.setState('retrying', cause);
			// A server too slow for the stream is slow again at once: wait longer each time (reset
			// once a connection has held for a while), so that it is not shown live in between.
			slowDrops = cause.code === 'E_ICECAST_SLOW' ? (lived > SLOW_FORGIVEN_MS ? 1 : slowDrops + 1) : 0;
			// A server that accepts and closes at once is failing, however politely: back off as from a refusal
			// from the second such close in a row (one alone may be a server restarted just after we connected).
			shortDrops = slowDrops === 0 && lived < SHORT_LIVED_MS ? shortDrops + 1 : 0;
			if (slowDrops > 0 || shortDrops > 1) {
				// Marked until a connection has kept up for a minute (the minute starts when one is made).
				this.markedUntil = Number.POSITIVE_INFINITY;
				const delayMs =
					slowDrops > 0
						? backoffDelay(slowDrops + 1, RETRY_SLOW)
						: Math.max(RETRY_SHORT_LIVED.firstMs, backoffDelay(shortDrops, RETRY_SHORT_LIVED));
				this.emit('retry', { attempt: slowDrops || shortDrops, delayMs, error: cause });
				// Ended early by an adopted connection or a park, as the wait for a connection is.
				const cycle = new AbortController();
				this.cycle = cycle;
				await sleep(delayMs, undefined, { signal: AbortSignal.any([signal, cycle.signal]) }).catch(() => {});
			}
		}
	}

	/**
	 * Connects, retrying with backoff; undefined when the wait was ended (stopped, parked, or a
	 * connection adopted) or the output failed for good. A shared mount that another source holds
	 * is `waiting`: asked every 100 ms, not an error, not counted as a reconnect.
	 */
	private async connect(): Promise<SourceConnection | undefined> {
		const cycle = new AbortController();
		this.cycle = cycle;
		const signal = AbortSignal.any([this.abort.signal, cycle.signal]);
		let blocked = false;
		try {
			const connection = await retryForever(() => this.attempt(signal), {
				signal,
				onFailedAttempt: async (error, attemptNumber) => {
					// An attempt that ends after the wait was ended (parked, adopted, stopped) says nothing any more.
					if (signal.aborted) return;
					const cause = error instanceof IcecastError ? error : new IcecastError('E_ICECAST_RESET', error.message);
					if (this.shared && cause.code === 'E_ICECAST_MOUNT_IN_USE') {
						this.attempts--;
						this.note(undefined);
						this.setState('waiting');
						if (!blocked) this.emit('blocked');
						blocked = true;
						await sleep(SHARED_POLL_MS, undefined, { signal }).catch(() => {});
						return;
					}
					const delayMs = backoffDelay(
						attemptNumber + 1,
						cause.code === 'E_ICECAST_MOUNT_IN_USE' ? RETRY_MOUNT_IN_USE : RETRY,
					);
					this.note(cause);
					this.setState('retrying', cause);
					this.emit('retry', { attempt: attemptNumber, delayMs, error: cause });
					await sleep(delayMs, undefined, { signal }).catch(() => {});
				},
			});
			// Won while the wait was being ended: not wanted any more.
			if (signal.aborted) {
				connection.close();
				return undefined;
			}
			return connection;
		} catch (error) {
			if (signal.aborted) return undefined;
			const cause = error instanceof IcecastError ? error : new IcecastError('E_ICECAST_RESET', String(error));
			this.note(cause);
			this.setState('failed', cause);
			return undefined;
		}
	}

	private async attempt(signal: AbortSignal): Promise<SourceConnection> {
		if (signal.aborted) throw new AbortError('stopped');
		this.attempts++;
		const password = this.password;
		if (!password) throw new AbortError('no password');
		try {
			const ca = await trustedCa(this.server);
			const connection = await SourceConnection.open({
				host: this.server.host,
				port: this.server.port,
				server: this.server.name,
				tls: this.server.tls,
				...(ca === undefined ? {} : { ca, tlsCa: this.server.tlsCa! }),
				user: this.server.user,
				mount: this.mount,
				answerTimeoutMs: ANSWER_TIMEOUT_MS,
				signal,
				maxQueuedBytes: Math.max(MIN_QUEUE_BYTES, ((this.encoder.bitrate ?? 1411) * 1000 * QUEUE_SECONDS) / 8),
				headers: sourceHeaders({
					user: this.server.user,
					password,
					// Only streamable formats reach an output (wav is refused for streams at validation).
					contentType: this.encoder.contentType ?? 'application/octet-stream',
					info: this.info,
					audioInfo: {
						channels: this.encoder.channels,
						samplerate: this.encoder.samplerate,
						bitrate: this.encoder.bitrate,
					},
				}),
			});
			// The wait was ended while this attempt was under way (stopped, parked, a connection adopted): not wanted.
			if (signal.aborted) {
				connection.close();
				throw new AbortError('not wanted any more');
			}
			return connection;
		} catch (error) {
			if (error instanceof IcecastError && !error.transient) throw new AbortError(error);
			throw error;
		}
	}

	/**
	 * Feeds the connection from the tap until it closes; resolves with the reason. The output is
	 * `live` from the first bytes sent (the connection alone is not audio), `stalled` while the
	 * encoder delivers nothing.
	 */
	private stayLive(connection: SourceConnection, firstWrite?: (at: number) => void): Promise<IcecastError | undefined> {
		this.connection = connection;
		// Marked by the drop before (slow, closed at once): the mark stays until this connection has kept up.
		if (this.markedUntil !== 0) this.markedUntil = Date.now() + SLOW_FORGIVEN_MS;
		else this.note(undefined);
		if (this.encoder.container === 'mp3' && this.metadata) {
			// Icecast takes metadata for a mount only once the source is on it.
			const resend = () =>
				this.sendAdminMetadata().catch((error: Error & { code?: string }) =>
					this.note({ message: error.message, code: error.code ?? 'E_ICECAST_HTTP' }),
				);
			setTimeout(() => void resend(), 200).unref();
		}
		return new Promise((resolve) => {
			const end = (error: IcecastError | undefined) => {
				connection.off('close', end);
				this.unsubscribe?.();
				this.unsubscribe = undefined;
				this.connection = undefined;
				this.leave = undefined;
				this.liveSince = null;
				resolve(error);
			};
			connection.once('close', end);
			this.leave = () => end(undefined);
			this.unsubscribe = this.tap.subscribe((unit) => {
				if (!connection.write(unit)) return;
				this.bytesSent += unit.length;
				this.lastUnitAt = Date.now();
				this.lastUnit = unit;
				if (firstWrite) {
					firstWrite(this.lastUnitAt);
					firstWrite = undefined;
				}
				if (this.state !== 'live') {
					this.liveSince ??= new Date();
					this.setState('live');
				}
			});
		});
	}

	private setState(state: OutputState, error?: IcecastError): void {
		if (state === this.state) return;
		this.state = state;
		this.emit('state', state, error);
	}
}
