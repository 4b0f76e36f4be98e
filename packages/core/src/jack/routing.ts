import { EventEmitter } from 'eventemitter3';
import type { JackInput } from '../profile/types.js';
import { type Clock, realClock } from '../util/clock.js';
import { waitFor } from '../util/wait.js';
import { onPath } from '../util/which.js';
import { claimClient } from './own-clients.js';
import { JackRouter, type JackState } from './router.js';
import type { Pair } from './rules.js';
import type { JackGraphTools } from './types.js';
import { SharedJackWatch } from './watch.js';

export interface RoutingEvents {
	connected: [from: string, to: string];
	contested: [from: string, to: string, times: number];
	server: [running: boolean];
	/** The watcher lost the JACK server and a look found it gone: no audio until it is back. */
	serverLost: [];
	/** Our client's ports or connections changed. */
	changed: [state: JackState];
}

/** Looked at on every graph event; these only cover missed events or a missing jack_evmon. */
const SAFETY_POLL_MS = 15_000;
const FALLBACK_POLL_MS = 2_000;
const SERVER_POLL_MS = 1_000;
const DEBOUNCE_MS = 30;
/**
 * A rule's connection that cannot be made yet (its source not active: JackTrip waiting for its
 * peer) is tried again after these, then every last one (each try: a jack_lsp, a jack_connect per
 * missing connection, a jack_lsp). Activation itself is a graph event (its ports are announced
 * then), looked at at once; these cover a missed one.
 */
const RETRY_MS = [250, 500, 1000];

/** What a unit test puts in place of JACK's tools and the machine's timers. */
export interface RoutingOptions {
	/** jack_lsp, jack_connect and jack_disconnect by default. */
	tools?: JackGraphTools;
	clock?: Clock;
	/** Whether graph changes are watched (jack_evmon, when it and stdbuf are installed); false: looks on timers only. */
	watch?: boolean;
}

/**
 * When to look at the JACK graph: on each change jack_evmon reports (one look per burst of
 * events), while the server is gone once a second until it is back, and rarely otherwise.
 */
export class Routing extends EventEmitter<RoutingEvents> {
	private readonly router: JackRouter;
	private readonly watch: SharedJackWatch | undefined;
	private timers: NodeJS.Timeout[] = [];
	private debounce: NodeJS.Timeout | undefined;
	private serverPoll: NodeJS.Timeout | undefined;
	private refreshing: Promise<boolean> | undefined;
	private again = false;
	private stopped = false;
	private last = '';
	private retryTimer: NodeJS.Timeout | undefined;
	private retries = 0;
	private release: (() => void) | undefined;
	private readonly clock: Clock;

	constructor(
		private readonly input: JackInput,
		options: RoutingOptions = {},
	) {
		super();
		this.clock = options.clock ?? realClock;
		this.router = new JackRouter(input, options.tools, this.clock);
		this.router.on('connected', (from, to) => this.emit('connected', from, to));
		this.router.on('contested', (from, to, times) => this.emit('contested', from, to, times));
		this.router.on('server', (running) => this.emit('server', running));
		if (options.watch !== false && onPath('jack_evmon') && onPath('stdbuf')) {
			this.watch = new SharedJackWatch(input.server);
			this.watch.on('change', (client) => {
				if (client === input.client) this.router.clientReset();
				this.refreshSoon();
			});
			// Looked at at once: jack_evmon's socket failing and a failed look together mean jackd is gone (a
			// failed look alone can be a busy machine).
			this.watch.on('gone', () => {
				this.waitForServer();
				void this.refresh().then(() => {
					if (!this.router.serverIsRunning && !this.stopped) this.emit('serverLost');
				});
			});
		}
	}

	get state(): JackState {
		return this.router.state;
	}

	start(): void {
		this.stopped = false;
		this.release ??= claimClient(this.input.client);
		this.watch?.start();
		this.timers.push(this.clock.setInterval(() => void this.refresh(), this.watch ? SAFETY_POLL_MS : FALLBACK_POLL_MS));
		void this.refresh();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		for (const timer of this.timers) this.clock.clearInterval(timer);
		this.clock.clearTimeout(this.debounce);
		this.clock.clearTimeout(this.retryTimer);
		this.clock.clearInterval(this.serverPoll);
		this.router.stop();
		this.release?.();
		this.release = undefined;
		await this.watch?.stop();
		await this.refreshing?.catch(() => {});
	}

	/**
	 * ffmpeg was just started: its client appears within a fraction of a second. Look every
	 * 100 ms until it is there or `gaveUp()` says to stop — not left to jack_evmon, which may
	 * itself be reconnecting to a JACK server that just came back.
	 */
	clientStarting(gaveUp: () => boolean): void {
		this.router.clientReset();
		void waitFor(async () => gaveUp() || this.stopped || (await this.refresh()), {
			timeoutMs: 10_000,
			intervalMs: 100,
			what: 'the JACK client',
		}).catch(() => {});
	}

	/** ffmpeg exited: its client is going, and what is seen of it until then is not believed. */
	clientEnded(): void {
		this.router.clientReset();
	}

	/** Whether the JACK server answered at the last look (`refresh` looks again). */
	get serverRunning(): boolean {
		return this.router.serverIsRunning;
	}

	/** Resolves once the JACK server answers (at once if it does), or when `signal` aborts. */
	async untilServerRuns(signal: AbortSignal): Promise<void> {
		await this.refresh();
		if (this.router.serverIsRunning || signal.aborted) return;
		this.waitForServer();
		await new Promise<void>((resolve) => {
			const done = () => {
				this.off('server', onServer);
				signal.removeEventListener('abort', done);
				resolve();
			};
			const onServer = (running: boolean) => running && done();
			this.on('server', onServer);
			signal.addEventListener('abort', done, { once: true });
		});
	}

	refreshSoon(): void {
		this.clock.clearTimeout(this.debounce);
		this.debounce = this.clock.setTimeout(() => void this.refresh(), DEBOUNCE_MS);
	}

	/** One look at a time; a request during a look makes one more look after it. */
	async refresh(): Promise<boolean> {
		if (this.stopped) return false;
		if (this.refreshing) {
			this.again = true;
			return this.refreshing;
		}
		this.refreshing = this.router.refresh().catch(() => false);
		const present = await this.refreshing;
		this.refreshing = undefined;
		const now = JSON.stringify(this.router.state);
		if (now !== this.last) {
			this.last = now;
			this.emit('changed', this.router.state);
		}
		if (!this.router.serverIsRunning) this.waitForServer();
		this.retryUnmet();
		if (this.again) {
			this.again = false;
			return this.refresh();
		}
		return present;
	}

	/** `jdcast disconnect`: the client's connections into ours removed, and kept off until the next start. */
	async hold(client: string): Promise<Pair[] | undefined> {
		const removed = await this.router.hold(client);
		await this.freshLook();
		return removed;
	}

	/** `jdcast connect`: undoes `hold`, or keeps a client no rule names connected; false when there is nothing to connect. */
	async connectClient(client: string): Promise<boolean> {
		const done = await this.router.release(client);
		await this.freshLook();
		return done;
	}

	/** A reload kept the profile running: what `jdcast disconnect` held is let go, and the rules apply again. */
	async releaseAll(): Promise<void> {
		if (this.router.releaseAll()) await this.freshLook();
	}

	/** A look begun after this call (not one already under way, which saw the graph before the change). */
	private async freshLook(): Promise<void> {
		while (this.refreshing) await this.refreshing.catch(() => {});
		await this.refresh();
	}

	/** While a rule's connection cannot be made, look again soon (250 ms, 500 ms, then every second). */
	private retryUnmet(): void {
		if (this.router.unmet === 0 || this.stopped) {
			this.retries = 0;
			this.clock.clearTimeout(this.retryTimer);
			this.retryTimer = undefined;
			return;
		}
		if (this.retryTimer) return;
		const delay = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]!;
		this.retryTimer = this.clock.setTimeout(() => {
			this.retryTimer = undefined;
			void this.refresh();
		}, delay);
	}

	private waitForServer(): void {
		if (this.serverPoll || this.stopped) return;
		// On the watcher's own clock: it compares this with when its jack_evmon started.
		const lostAt = performance.now();
		this.serverPoll = this.clock.setInterval(async () => {
			await this.refresh();
			if (this.router.serverIsRunning && !this.stopped) {
				this.clock.clearInterval(this.serverPoll);
				this.serverPoll = undefined;
				// A watcher from before the server went away is started anew (another profile's may be new).
				this.watch?.start(lostAt);
				// What appeared before the watcher was listening again is seen by one more look.
				this.clock.setTimeout(() => void this.refresh(), SERVER_POLL_MS).unref();
			}
		}, SERVER_POLL_MS);
	}
}
