import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import { tagsInBand } from '../formats/index.js';
import { IcecastError } from '../icecast/errors.js';
import type { SourceConnection } from '../icecast/source-connection.js';
import type { Metadata } from '../metadata/types.js';
import type { EncoderPlan } from '../plan/plan.js';
import type { Secret } from '../profile/secret.js';
import type { ServerConfig, StreamInfo } from '../profile/types.js';
import type { OutputState, OutputStatus } from '../status/types.js';
import { type Clock, realClock } from '../util/clock.js';
import type { Sink } from './sink.js';
import { endOfStream } from './icecast/end-of-stream.js';
import { type AdminCredentials, NowPlaying } from './icecast/now-playing.js';
import { FailoverWatch, OutputFailover } from './icecast/failover.js';
import { openSource } from './icecast/open-source.js';
import { type IcecastOutputEvents, OutputReport } from './icecast/report.js';
import { type ParkReason, SourceLoop } from './icecast/source-loop.js';

export type { IcecastOutputEvents } from './icecast/report.js';
export type { ParkReason } from './icecast/source-loop.js';

/** One stream target as it is made: where it sends, what, and how it stands among the mount's other sources. */
export interface IcecastOutputOptions {
	server: ServerConfig;
	mount: string;
	info: StreamInfo;
	encoder: EncoderPlan;
	tap: Tap;
	/** Undefined when it could not be resolved: the output is then failed, never started. */
	password: Secret | undefined;
	/** Taken in turns with other sources: while another holds the mount this output is `waiting`. */
	shared?: boolean;
	/** Feeds another profile's shared mount from this profile's fallback encoding, until a DJ wants it. */
	covering?: boolean;
	/** Credentials for Icecast's admin API (MP3 metadata); the source ones when none are given. */
	admin?: AdminCredentials;
	/** What its timers and times run on; the machine's clock unless a test gives its own. */
	clock?: Clock;
	/** One attempt to become the mount's source; a real connection unless a test gives a fake. */
	open?: (signal: AbortSignal) => Promise<SourceConnection>;
}

/**
 * One stream target: a mount on a server, fed from its encoder's tap. Connects, stays live,
 * and reconnects on its own (`SourceLoop`); a wrong password stops it at once. Nothing here
 * ever touches the encoder: a network fault costs only this target. What people see of it (state,
 * last cause, counters) is kept in `OutputReport`; this class holds the verbs the supervisor and
 * the orchestrator use, above all those that pass a shared mount from one output to another.
 */
export class IcecastOutput extends EventEmitter<IcecastOutputEvents> implements Sink {
	readonly server: ServerConfig;
	readonly mount: string;
	readonly info: StreamInfo;
	/** The source password (a cover of this mount uses the same); undefined when it could not be read. */
	readonly password: Secret | undefined;
	readonly shared: boolean;
	readonly covering: boolean;
	private readonly encoder: EncoderPlan;
	private readonly tap: Tap;
	private readonly clock: Clock;
	private readonly playing: NowPlaying;
	private readonly report: OutputReport;
	private readonly loop: SourceLoop;
	/** `failover` on its mount: a silent holder removed while this output waits. */
	private readonly failover: OutputFailover | undefined;

	constructor(o: IcecastOutputOptions) {
		super();
		const { server, mount, info, encoder, tap, password } = o;
		this.server = server;
		this.mount = mount;
		this.info = info;
		this.password = password;
		this.shared = o.shared ?? false;
		this.covering = o.covering ?? false;
		this.encoder = encoder;
		this.tap = tap;
		this.clock = o.clock ?? realClock;
		this.playing = new NowPlaying({
			server,
			mount,
			viaAdmin: !tagsInBand(encoder.container),
			credentials: o.admin ?? (password ? { user: server.user, password } : undefined),
			clock: this.clock,
		});
		this.report = new OutputReport(this, this.playing, this.clock);
		const open = o.open ?? ((signal) => openSource({ server, mount, info, encoder, password }, signal));
		this.loop = new SourceLoop({ mount, tap, shared: this.shared, clock: this.clock, open }, this.report);
		const after = server.mounts[mount]?.failover?.after;
		const credentials = o.admin ?? (password ? { user: server.user, password } : undefined);
		if (this.shared && !this.covering && after !== undefined && credentials) {
			const watch = new FailoverWatch({ server, mount, afterMs: after * 1000, credentials, clock: this.clock });
			this.failover = new OutputFailover(this, watch, { mount, afterSeconds: after, clock: this.clock });
		}
	}

	get state(): OutputState {
		return this.report.state;
	}
	get bytesSent(): number {
		return this.report.bytesSent;
	}
	get lastError(): string | null {
		return this.report.lastError;
	}
	get lastErrorCode(): string | null {
		return this.report.lastErrorCode;
	}
	get liveSince(): Date | null {
		return this.report.liveSince;
	}
	/** Connection attempts after the first: every retry and every reconnect after a drop. */
	get reconnects(): number {
		return this.report.reconnects;
	}

	/** Connected and sending (or stalled, its connection kept): it holds its mount. */
	get onAir(): boolean {
		return this.report.onAir;
	}

	/** The encoder's units it sends (an air check of its mount records them while it holds the mount). */
	get feed(): Tap {
		return this.tap;
	}

	/** The encoding it sends: a mount is handed only between outputs of the same. */
	get encoding(): EncoderPlan {
		return this.encoder;
	}

	/**
	 * Listeners on its mount from the server's status page, when known: `listeners` in its status (the
	 * name `listeners` itself is taken here by the event emitter's method).
	 */
	get audience(): number | null {
		return this.report.audience;
	}

	/** The audience the orchestrator read from the server: taken while live, kept otherwise. */
	heard(audience: number | undefined): void {
		this.report.heard(audience);
	}

	/** Whether its encoder has produced anything yet (a handover waits for it). */
	get hasAudio(): boolean {
		return this.tap.bytesIn > 0;
	}

	/** Whether `start` was called (a target that never started has nothing to stop). */
	get started(): boolean {
		return this.loop.started;
	}

	/**
	 * Whether it ever stood by: its mount then came to it later (a handover, a slot, a take-back), not at
	 * its profile's start. A DJ silent at such a moment gives the mount up at once (dead air yield).
	 */
	get cameLater(): boolean {
		return this.report.stoodBy;
	}

	/** Why it stands by (handed over, held back, yielded for dead air); undefined while it seeks or holds its mount. */
	get parkedFor(): ParkReason | undefined {
		return this.loop.parkedFor;
	}

	// The verbs. Each does one thing; `hold`, `release` and `handOff` all make it stand by (`standby`),
	// and differ in why, which `parkedFor` then says, and in what becomes of the connection.

	/** Seeks its mount and sends (one held stands by, one failed before it began stays failed). */
	start(): void {
		if (this.state !== 'failed') this.loop.start();
	}

	/** Ends it for good: no connection, no timer, and its state `stopped`. */
	async stop(): Promise<void> {
		this.failover?.stop();
		await this.loop.stop();
		this.report.setState('stopped');
	}

	/** Stands by before its turn (its slot, or a connection it is about to adopt): seeks nothing until `resume` or `adopt`. */
	hold(): void {
		this.loop.park('hold')?.close();
	}

	/**
	 * Gives the mount up, closing any connection (the fallback takes the listeners), until resumed: for
	 * dead air (`yield`), or because the harbor's DJ left (`harbor`).
	 */
	release(why: 'yield' | 'harbor' = 'yield'): void {
		this.loop.park(why)?.close();
	}

	/**
	 * Gives the mount up with its connection open, for another output of the same mount to adopt (a
	 * handover inside one jdcast: listeners stay connected). Returns the connection and when its last
	 * unit was written; undefined when it was not on air. It stands by until it adopts one or is resumed.
	 */
	handOff(): { connection: SourceConnection; lastWriteAt: number } | undefined {
		const connection = this.loop.park('handover');
		if (!connection) return undefined;
		const { lastUnit, lastUnitAt } = this.report;
		// Ogg: the stream this output sent ends here, so that the next one starts a clean chain link.
		const end = this.encoder.container === 'ogg' && lastUnit ? endOfStream(lastUnit) : undefined;
		if (end) connection.write(end);
		return { connection, lastWriteAt: lastUnitAt };
	}

	/** Goes on air on a connection another output handed over; resolves with the time of its first unit written. */
	adopt(connection: SourceConnection): Promise<number> {
		return new Promise((firstWrite, refuse) => {
			// Only a running output that is not on a connection of its own can take this one.
			if (this.loop.adopt({ connection, firstWrite, refuse })) return;
			refuse(
				new IcecastError(
					'E_ICECAST_CLOSED',
					`${this.mount} on ${this.server.name} cannot take over a connection now (${this.state})`,
				),
			);
		});
	}

	/** Seeks its mount again after `hold`, `release` or `handOff`. */
	resume(): void {
		this.loop.resume();
	}

	/** "Now playing" for this target (how it reaches listeners: `NowPlaying`). */
	setMetadata(metadata: Metadata): Promise<void> {
		return this.playing.set(metadata, this.state === 'live');
	}

	get nowPlaying(): string | null {
		return this.playing.line;
	}

	/** Marks the target failed before it ever connects (e.g. its password could not be read). */
	fail(message: string, code: string): void {
		this.report.note({ message, code });
		this.report.setState('failed');
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
			kbps: onAir ? this.report.kbps : 0,
			reconnects: this.reconnects,
			lastError: this.lastError,
			lastErrorCode: this.lastErrorCode,
			listeners: onAir ? this.audience : null,
			nowPlaying: this.nowPlaying,
			liveSince: onAir ? (this.liveSince?.toISOString() ?? null) : null,
			url: `${this.server.tls ? 'https' : 'http'}://${this.server.host}:${this.server.port}${this.mount}`,
			...(this.failover ? { failover: this.failover.status() } : {}),
		};
	}

	/**
	 * Called once a second by the supervisor: the rate, whether the encoder still delivers (live
	 * or stalled), and whether the server still takes what it is sent (else dropped as slow).
	 */
	tick(now = this.clock.wall()): void {
		this.report.tick(now);
		this.loop.checkProgress(now);
	}

	/** The encoder is gone: no audio comes until the next one's first page. */
	inputLost(): void {
		if (this.state === 'live') this.report.setState('stalled');
	}
}
