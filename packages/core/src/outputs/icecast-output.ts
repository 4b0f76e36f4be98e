import { EventEmitter } from 'eventemitter3';
import type { Tap } from '../fanout/tap.js';
import { IcecastError } from '../icecast/errors.js';
import type { SourceConnection } from '../icecast/source-connection.js';
import type { Metadata } from '../metadata/types.js';
import type { EncoderPlan } from '../plan/plan.js';
import type { Secret } from '../profile/secret.js';
import type { ServerConfig, StreamInfo } from '../profile/types.js';
import type { OutputState, OutputStatus } from '../status/types.js';
import type { Sink } from './sink.js';
import { endOfStream } from './icecast/end-of-stream.js';
import { NowPlaying } from './icecast/now-playing.js';
import { type IcecastOutputEvents, OutputReport } from './icecast/report.js';
import { type ParkReason, SourceLoop } from './icecast/source-loop.js';

export type { IcecastOutputEvents } from './icecast/report.js';
export type { ParkReason } from './icecast/source-loop.js';

/**
 * One stream target: a mount on a server, fed from its encoder's tap. Connects, stays live,
 * and reconnects on its own (`SourceLoop`); a wrong password stops it at once. Nothing here
 * ever touches the encoder: a network fault costs only this target. What people see of it (state,
 * last cause, counters) is kept in `OutputReport`; this class holds the verbs the supervisor and
 * the orchestrator use, above all those that pass a shared mount from one output to another.
 */
export class IcecastOutput extends EventEmitter<IcecastOutputEvents> implements Sink {
	private readonly playing: NowPlaying;
	private readonly report: OutputReport;
	private readonly loop: SourceLoop;
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
		this.playing = new NowPlaying({
			server,
			mount,
			mp3: encoder.container === 'mp3',
			credentials: () => this.admin ?? (password ? { user: server.user, password } : undefined),
		});
		this.report = new OutputReport(this, this.playing);
		this.loop = new SourceLoop({ server, mount, info, encoder, password }, tap, shared, this.report);
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
		return this.loop.reconnects;
	}

	/** Connects and sends; an output failed before it began (no password, say) stays failed. */
	start(): void {
		if (this.state === 'failed' && !this.loop.started) return;
		this.loop.start();
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

	/** Listener count from the server's status page, when known. */
	get audience(): number | null {
		return this.report.listeners;
	}

	/** The count the orchestrator read from the server: taken while live, kept otherwise. */
	heard(listeners: number | undefined): void {
		if (this.state === 'live') this.report.listeners = listeners ?? 0;
	}

	/** Whether its encoder has produced anything yet (a handover waits for it). */
	get hasAudio(): boolean {
		return this.tap.bytesIn > 0;
	}

	/** Whether `start` was called (a target that never started has nothing to stop). */
	get started(): boolean {
		return this.loop.started;
	}

	async stop(): Promise<void> {
		await this.loop.stop();
		this.report.setState('stopped');
	}

	/**
	 * Gives up the mount without closing the connection, for another output of the same mount to
	 * adopt (a handover inside one jdcast: listeners stay connected). Returns the connection and
	 * when its last unit was written; undefined when it was not on air. The output is then
	 * `standby` and does not seek the mount again until it adopts one or `resume` is called.
	 */
	handOff(): { connection: SourceConnection; lastWriteAt: number } | undefined {
		this.park('handover');
		const connection = this.loop.leave();
		if (!connection) return undefined;
		const { lastUnit, lastUnitAt } = this.report;
		// Ogg: the stream this output sent ends here, so that the next one starts a clean chain link.
		const end = this.encoder.container === 'ogg' && lastUnit ? endOfStream(lastUnit) : undefined;
		if (end) connection.write(end);
		return { connection, lastWriteAt: lastUnitAt };
	}

	/** Goes on air on a connection handed over by another output; resolves with the time of the first unit written. */
	adopt(connection: SourceConnection): Promise<number> {
		return new Promise((firstWrite, refuse) => {
			// An output that is not running any more (failed, stopped), or one already taking a connection, cannot
			// take this one.
			if (this.state === 'failed' || !this.loop.canAdopt) {
				refuse(
					new IcecastError(
						'E_ICECAST_CLOSED',
						`${this.mount} on ${this.server.name} cannot take over a connection now (${this.state})`,
					),
				);
				return;
			}
			this.loop.offer({ connection, firstWrite, refuse });
		});
	}

	/** Releases the mount (closing the connection) until `resume`: the fallback takes the listeners. */
	release(): void {
		this.park('yield');
		this.loop.close();
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
		return this.loop.everParked;
	}

	/** Why it stands by (handed over, held back, yielded for dead air); undefined while it seeks or holds its mount. */
	get parkedFor(): ParkReason | undefined {
		return this.loop.parkedFor;
	}

	/** Seeks the mount again after `handOff`, `release` or `hold`. */
	resume(): void {
		this.loop.unpark();
	}

	private park(why: ParkReason): void {
		this.loop.park(why);
		this.report.setState('standby');
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
		};
	}

	/**
	 * Called once a second by the supervisor: the rate, whether the encoder still delivers (live
	 * or stalled), and whether the server still takes what it is sent (else dropped as slow).
	 */
	tick(now = Date.now()): void {
		this.report.tick(now);
		this.loop.checkProgress(now);
	}

	/** The encoder is gone: no audio comes until the next one's first page. */
	inputLost(): void {
		if (this.state === 'live') this.report.setState('stalled');
	}
}
