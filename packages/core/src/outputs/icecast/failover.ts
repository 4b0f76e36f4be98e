import type { Readable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import { holderAddress, killSource } from '../../icecast/killsource.js';
import { trustedCa } from '../../icecast/tls-ca.js';
import type { AdminTarget } from '../../metadata/admin.js';
import type { ServerConfig } from '../../profile/types.js';
import type { FailoverStatus } from '../../status/types.js';
import type { Clock } from '../../util/clock.js';
import type { AdminCredentials } from './now-playing.js';
import type { IcecastOutputEvents } from './report.js';

/** How often the silence of the holder is looked at. */
const CHECK_MS = 100;
/** A listening connection that ended is made again after this. */
const RELISTEN_MS = 500;
/**
 * Two backups that see the same silence: each waits a random moment up to this before it removes
 * the holder, and looks again first, so that the later one finds the first already on air.
 */
const STAGGER_MS = 200;

/** What a backup did about a silent holder: removed it (`removed`), or could not (`problem`). */
export interface FailoverWatchEvents {
	removed: [taken: { from: string | null; silentSeconds: number }];
	problem: [message: string];
}

export interface FailoverWatchOptions {
	server: ServerConfig;
	mount: string;
	afterMs: number;
	/** Admin credentials if the profile has them, else the source ones (Icecast 2.4 takes both for killsource). */
	credentials: AdminCredentials;
	clock: Clock;
	/** Tests give their own; by default a listener's GET of the mount, and Icecast's admin API. */
	listen?: (signal: AbortSignal) => Promise<Readable>;
	kill?: () => Promise<'removed' | 'gone'>;
	holder?: () => Promise<string | null>;
}

/**
 * A backup's watch on a mount that another source holds (`servers.NAME.mounts.MOUNT.failover`): it
 * listens to the mount as a listener does (Icecast's own counters move only every 5 s) and, when no
 * byte has come for `after` on a connection that is open, removes the holder with killsource. A frozen
 * machine or a pulled cable keeps its connection open, and Icecast would wait its source-timeout.
 */
export class FailoverWatch extends EventEmitter<FailoverWatchEvents> {
	#abort: AbortController | undefined;
	#timer: NodeJS.Timeout | undefined;
	/** A listening connection is open: only then does its silence count. */
	#open = false;
	#lastByteAt = 0;
	#acting = false;
	readonly #listen: (signal: AbortSignal) => Promise<Readable>;
	readonly #kill: () => Promise<'removed' | 'gone'>;
	readonly #holder: () => Promise<string | null>;

	constructor(private readonly o: FailoverWatchOptions) {
		super();
		const target = async (): Promise<AdminTarget> => {
			const ca = await trustedCa(o.server);
			return {
				host: o.server.host,
				port: o.server.port,
				tls: o.server.tls,
				mount: o.mount,
				...o.credentials,
				...(ca === undefined ? {} : { ca }),
			};
		};
		this.#listen = o.listen ?? ((signal) => listenTo(o.server, o.mount, signal));
		this.#kill = o.kill ?? (async () => killSource(await target()));
		this.#holder = o.holder ?? (async () => holderAddress(await target()));
	}

	get watching(): boolean {
		return this.#abort !== undefined;
	}

	start(): void {
		if (this.#abort) return;
		const abort = new AbortController();
		this.#abort = abort;
		void this.#listenLoop(abort.signal);
		this.#timer = this.o.clock.setInterval(() => void this.#check(), CHECK_MS);
	}

	stop(): void {
		this.#abort?.abort();
		this.#abort = undefined;
		this.o.clock.clearInterval(this.#timer);
		this.#open = false;
	}

	async #listenLoop(signal: AbortSignal): Promise<void> {
		while (!signal.aborted) {
			try {
				const stream = await this.#listen(signal);
				this.#open = true;
				this.#lastByteAt = this.o.clock.monotonic();
				await new Promise<void>((resolve) => {
					stream.on('data', () => (this.#lastByteAt = this.o.clock.monotonic()));
					stream.once('end', resolve);
					stream.once('error', () => resolve());
					stream.once('close', resolve);
					signal.addEventListener('abort', () => resolve(), { once: true });
				});
				stream.destroy();
			} catch {
				// Nobody feeds the mount and it has no fallback (404), or the server is away: nothing to judge.
			}
			this.#open = false;
			if (!signal.aborted) await pause(this.o.clock, RELISTEN_MS, signal);
		}
	}

	#silentMs(): number {
		return this.#open ? this.o.clock.monotonic() - this.#lastByteAt : 0;
	}

	async #check(): Promise<void> {
		if (this.#acting || this.#silentMs() < this.o.afterMs) return;
		this.#acting = true;
		const signal = this.#abort?.signal;
		try {
			await pause(this.o.clock, Math.random() * STAGGER_MS, signal);
			const silentMs = this.#silentMs();
			// Stopped meanwhile (the mount came to this output), or the holder spoke again.
			if (!signal || signal.aborted || silentMs < this.o.afterMs) return;
			const from = await this.#holder();
			await this.#kill();
			// The killed source ends this connection too: a new one has to show silence again before any more.
			this.#open = false;
			this.emit('removed', { from, silentSeconds: Math.round(silentMs / 100) / 10 });
		} catch (error) {
			this.emit('problem', (error as Error).message);
			// A refusal will not change by itself: no more tries until the output waits anew.
			this.stop();
		} finally {
			this.#acting = false;
		}
	}
}

/** The mount as a listener hears it (Icecast moves this connection to a fallback like any other). */
async function listenTo(server: ServerConfig, mount: string, signal: AbortSignal): Promise<Readable> {
	const { got } = await import('got');
	const ca = await trustedCa(server);
	const stream = got.stream(`${server.tls ? 'https' : 'http'}://${server.host}:${server.port}${mount}`, {
		retry: { limit: 0 },
		timeout: { lookup: 3000, connect: 3000, response: 3000 },
		headers: { 'user-agent': 'jdcast failover watch' },
		signal,
		...(ca === undefined ? {} : { https: { certificateAuthority: ca } }),
	});
	await new Promise<void>((resolve, reject) => {
		stream.once('response', () => resolve());
		stream.once('error', reject);
	});
	return stream;
}

function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve) => {
		const timer = clock.setTimeout(resolve, ms);
		signal?.addEventListener(
			'abort',
			() => {
				clock.clearTimeout(timer);
				resolve();
			},
			{ once: true },
		);
	});
}

/** A removal leads to a takeover if the output is on air within this long; else another backup was quicker. */
const TAKEOVER_WITHIN_MS = 10_000;

/**
 * A shared output's failover: its watch runs while the output waits, and a removal followed by the
 * output going on air is a takeover, counted and told (`failover` event) once.
 */
export class OutputFailover {
	#count = 0;
	#last: FailoverStatus['last'] = null;
	#pending: { from: string | null; silentSeconds: number; at: number } | undefined;

	constructor(
		output: EventEmitter<IcecastOutputEvents>,
		private readonly watch: FailoverWatch,
		private readonly o: { mount: string; afterSeconds: number; clock: Clock },
	) {
		watch.on('removed', (taken) => (this.#pending = { ...taken, at: o.clock.monotonic() }));
		watch.on('problem', (message) =>
			output.emit('failover', {
				took: false,
				from: null,
				silentSeconds: null,
				gapSeconds: null,
				message: `failover on ${o.mount} cannot remove a silent holder: ${message}`,
			}),
		);
		output.on('state', (state) => {
			if (state === 'waiting') watch.start();
			else watch.stop();
			const pending = this.#pending;
			if (state !== 'live' || !pending) return;
			this.#pending = undefined;
			if (o.clock.monotonic() - pending.at > TAKEOVER_WITHIN_MS) return;
			this.#count++;
			const gapSeconds = Math.round((pending.silentSeconds + (o.clock.monotonic() - pending.at) / 1000) * 10) / 10;
			const { from, silentSeconds } = pending;
			this.#last = { at: new Date(o.clock.wall()).toISOString(), from, silentSeconds, gapSeconds };
			output.emit('failover', {
				took: true,
				from,
				silentSeconds,
				gapSeconds,
				message: `took ${o.mount} from ${from ?? 'its holder'} after ${silentSeconds.toFixed(1)} s without audio (listeners missed ${gapSeconds.toFixed(1)} s)`,
			});
		});
	}

	stop(): void {
		this.watch.stop();
	}

	status(): FailoverStatus {
		return { after: this.o.afterSeconds, count: this.#count, last: this.#last };
	}
}
