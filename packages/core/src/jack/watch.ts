import { createInterface } from 'node:readline';
import { EventEmitter } from 'eventemitter3';
import { execa, type ResultPromise } from 'execa';
import { dieWithParent, terminate } from '../util/process.js';
import { jackEnv } from './cli.js';

const OWN_CLIENTS = /^Client (lsp|jack_lsp|jack_connect|jack_disconnect|jack_evmon)(-\d+)? (un)?registered/;

export interface JackWatchEvents {
	/** A client, port or connection came or went; `client`: the client that registered or unregistered. */
	change: [client?: string];
	/** The watcher lost the JACK server (or could not reach it). */
	gone: [];
}

/**
 * Tells when the JACK graph changes, so that routing is looked at when something happens
 * instead of by spawning jack_lsp on a timer (each look costs a JACK client). Runs jackd2's
 * `jack_evmon` line-buffered (stdbuf) and ends it when the server goes.
 */
export class JackWatch extends EventEmitter<JackWatchEvents> {
	private child: ResultPromise | undefined;
	private startedAt = 0;

	constructor(private readonly server: string | undefined) {
		super();
	}

	get running(): boolean {
		return this.child !== undefined;
	}

	/**
	 * Starts jack_evmon unless it runs; `notBefore`: one started before then (before the server
	 * went away) is ended and started anew, since a jack_evmon whose server died can linger.
	 */
	start(notBefore = 0): void {
		if (this.child && this.startedAt >= notBefore) return;
		if (this.child) {
			const old = this.child;
			this.child = undefined;
			void terminate(old, 'SIGKILL');
		}
		this.startedAt = performance.now();
		// jack_evmon ignores SIGTERM: only SIGKILL ends it.
		const [file, args] = dieWithParent('stdbuf', ['-oL', 'jack_evmon'], { signal: 'KILL' });
		const child = execa(file, args, {
			...jackEnv(this.server),
			reject: false,
			buffer: false,
			stdin: 'ignore',
			// libjack says the server is gone on stderr ("JackSocketClientChannel read fail"), and
			// jack_evmon lingers: both streams are read.
			all: true,
			detached: true,
		});
		this.child = child;
		child.catch(() => {});
		const lines = createInterface({ input: child.all! });
		lines.on('line', (line) => {
			if (/read fail|Cannot read socket|shutdown/i.test(line)) this.lose(child);
			// Looking at the graph opens a jack_lsp client: that must not count as a change, or every look causes the next.
			else if (/registered|connected/.test(line) && !OWN_CLIENTS.test(line))
				this.emit('change', /^Client (.+) (?:un)?registered/.exec(line)?.[1]);
		});
		void child.then(() => this.lose(child));
	}

	async stop(): Promise<void> {
		const child = this.child;
		this.child = undefined;
		await terminate(child, 'SIGKILL');
	}

	private lose(child: ResultPromise): void {
		if (this.child !== child) return;
		this.child = undefined;
		void terminate(child, 'SIGKILL');
		this.emit('gone');
	}
}

/** The watcher of each JACK server, shared by every profile of this process that uses it. */
const shared = new Map<string, { watch: JackWatch; leases: Set<SharedJackWatch> }>();

/**
 * One profile's use of its JACK server's watcher: one jack_evmon per server however many profiles
 * watch it (ten DJs on one server were ten jack_evmon clients in everyone's patchbay). The last
 * profile to stop ends it.
 */
export class SharedJackWatch extends EventEmitter<JackWatchEvents> {
	private active = false;
	private readonly onChange = (client?: string) => this.emit('change', client);
	private readonly onGone = () => this.emit('gone');

	/** The server meant: no name and 'default' are the same one, and so is the environment's default. */
	private readonly key: string;

	constructor(private readonly server: string | undefined) {
		super();
		this.key = server || process.env.JACK_DEFAULT_SERVER || 'default';
	}

	/** Starts the server's watcher if it is not running (again, after it lost the server: `notBefore`). */
	start(notBefore = 0): void {
		const key = this.key;
		let entry = shared.get(key);
		if (!entry) {
			entry = { watch: new JackWatch(this.server), leases: new Set() };
			shared.set(key, entry);
		}
		if (!this.active) {
			this.active = true;
			entry.leases.add(this);
			entry.watch.on('change', this.onChange);
			entry.watch.on('gone', this.onGone);
		}
		entry.watch.start(notBefore);
	}

	async stop(): Promise<void> {
		const key = this.key;
		const entry = shared.get(key);
		if (!this.active || !entry) return;
		this.active = false;
		entry.leases.delete(this);
		entry.watch.off('change', this.onChange);
		entry.watch.off('gone', this.onGone);
		if (entry.leases.size > 0) return;
		shared.delete(key);
		await entry.watch.stop();
	}
}
