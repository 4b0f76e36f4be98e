import { EventEmitter } from 'eventemitter3';
import type { JackInput } from '../profile/types.js';
import { type Clock, realClock } from '../util/clock.js';
import { connectPorts, disconnectPorts, readGraph, type JackPort } from './cli.js';
import type { JackGraphTools, JackRouterEvents, JackState } from './types.js';
import { Contest } from './contest.js';
import { isOwnClient } from './own-clients.js';
import { clientOf, clientPairs, ConnectRules, pairKey as key, type Pair } from './rules.js';

export type { JackGraphTools, JackRouterEvents, JackState } from './types.js';

/** A person who disconnects by hand is believed once our client is still there this much later. */
const CONFIRM_REMOVAL_MS = 500;
/** After a failed look, the second one comes this much later. */
const RELOOK_MS = 200;

const defaultTools: JackGraphTools = { readGraph, connectPorts, disconnectPorts };

/**
 * Keeps the connections into our JACK client. The profile's `connect` rules are desired state:
 * at every look, each connection a rule wants whose two ends exist is made if it is missing —
 * whoever removed it, and whatever the source client did with its ports (JackTrip registers its
 * ports before its peer arrives, refuses connections until then, and connects itself elsewhere
 * when the peer comes). A connection is said to be made only once the graph shows it; what
 * cannot be made yet is counted in `unmet`, and the caller looks again.
 *
 * Connections made by hand (not wanted by a rule) are remembered and made again when our client
 * or their source appears. When our client dies, JACK first drops its connections and only then
 * its ports, so a removal by hand is only believed once our client is still there a moment later
 * — the same client: each time ffmpeg ends or starts is a new incarnation, and a look begun in an
 * older one is not believed.
 */
export class JackRouter extends EventEmitter<JackRouterEvents> {
	private remembered = new Map<string, Pair>();
	private readonly held = new Set<string>();
	private readonly rules: ConnectRules;
	private current: JackState;
	private clientPresent = false;
	private serverRunning: boolean | undefined;
	private knownClients = new Set<string>();
	private confirmTimer: NodeJS.Timeout | undefined;
	private incarnation = 0;
	private unmetCount = 0;
	/** Clients `jdcast connect` asked for that no rule names: kept as a rule would be, until a start or reload. */
	private readonly asked = new Set<string>();
	private readonly contest: Contest;
	/**
	 * Rule connections seen, or made by jack_connect, since their source appeared: one of them
	 * missing again was removed (a source not active yet never gets here: jack_connect fails).
	 */
	private made = new Set<string>();
	/** Every client seen in this run: one a pattern matched may be held while it is away (not a typo). */
	private readonly seen = new Set<string>();

	constructor(
		private readonly input: JackInput,
		private readonly tools: JackGraphTools = defaultTools,
		private readonly clock: Clock = realClock,
	) {
		super();
		this.rules = new ConnectRules(input.connect, input.client);
		this.contest = new Contest(clock);
		this.current = this.emptyState();
	}

	get state(): JackState {
		return this.current;
	}

	get serverIsRunning(): boolean {
		return this.serverRunning === true;
	}

	/** Connections a rule wants, whose two ends exist, that the last look could not make (the source not active yet). */
	get unmet(): number {
		return this.unmetCount;
	}

	/**
	 * Our client is ending or starting anew (ffmpeg exited or was started, or JACK said so): what
	 * is remembered is applied again once it is there, and no removal seen before counts.
	 */
	clientReset(): void {
		this.incarnation++;
		this.clientPresent = false;
		this.clock.clearTimeout(this.confirmTimer);
	}

	/**
	 * `jdcast disconnect`: takes a source client off our inputs and keeps it off (rules, memory and
	 * `connect` alike; a look that connects it meanwhile is undone at the next) until `release`.
	 * Returns the connections removed, or undefined when the client is neither connected, nor
	 * remembered, nor named by a rule, nor there and matched by one (a typo: nothing is held). A
	 * client a rule names may be held before it arrives.
	 */
	async hold(client: string): Promise<Pair[] | undefined> {
		const graph = (await this.tools.readGraph(this.input.server)) ?? [];
		const removed = this.connectionsOf(graph).filter(([from]) => clientOf(from) === client);
		const remembered = [...this.remembered].filter(([, pair]) => clientOf(pair[0]) === client);
		const present = graph.some((p) => p.client === client);
		if (this.isOurs(client)) return undefined;
		const wanted =
			this.rules.names(client) ||
			this.asked.has(client) ||
			((present || this.seen.has(client)) && this.rules.covers(client));
		if (removed.length === 0 && remembered.length === 0 && !wanted) return undefined;
		this.held.add(client);
		this.asked.delete(client);
		for (const [k] of remembered) this.remembered.delete(k);
		for (const [from, to] of removed) await this.tools.disconnectPorts(from, to, this.input.server);
		this.current = { ...this.current, held: [...this.held] };
		return removed;
	}

	/**
	 * `jdcast connect`: a held client comes back, and a client no rule names is kept connected
	 * whole (its outputs in order) as a rule would keep it, until the next start or reload.
	 * Returns false when there is nothing to connect: neither held, nor named by a rule, nor
	 * present with audio outputs. What is connected shows at the next look.
	 */
	async release(client: string): Promise<boolean> {
		const graph = (await this.tools.readGraph(this.input.server)) ?? [];
		const present = clientPairs(graph, client, this.ourPorts(graph)).length > 0;
		if (this.isOurs(client)) return false;
		const wasHeld = this.held.delete(client);
		if (!wasHeld && !present && !this.rules.names(client)) return false;
		if (!this.rules.covers(client)) this.asked.add(client);
		this.current = { ...this.current, held: [...this.held] };
		return true;
	}

	/** Every held and asked-for client let go (a reload); false when there was none. */
	releaseAll(): boolean {
		const any = this.held.size + this.asked.size > 0;
		this.held.clear();
		this.asked.clear();
		this.current = { ...this.current, held: [] };
		return any;
	}

	/** Looks at the graph once and connects what is missing. Returns whether our client is there. */
	async refresh(): Promise<boolean> {
		const incarnation = this.incarnation;
		let graph = await this.tools.readGraph(this.input.server);
		// One failed look is not a server gone: a busy jackd refuses a new client now and then ("Cannot
		// create new client"). It is believed when a second look a moment later fails too.
		if (!graph && this.serverRunning) graph = await this.lookAgain();
		// Whether the server answers does not depend on which of our clients it is.
		this.noteServer(graph !== undefined);
		// A look begun before our client was reset may have seen the one before: the next look counts.
		if (incarnation !== this.incarnation) return false;
		if (!graph) {
			this.clientPresent = false;
			this.knownClients.clear();
			this.unmetCount = 0;
			this.current = this.emptyState();
			return false;
		}
		const clients = new Set(graph.map((p) => p.client));
		const appearedClients = new Set([...clients].filter((c) => !this.knownClients.has(c)));
		// A client going away drops its connections first, its ports a moment later: what was remade then
		// was no fight, and its rejoining must not wait for one.
		for (const client of this.knownClients) if (!clients.has(client)) this.forgetFights(client);
		this.knownClients = clients;
		for (const client of clients) this.seen.add(client);
		const ours = this.ourPorts(graph);
		// ffmpeg registers its ports one at a time: a client seen with some of them is still arriving, and
		// connecting it then would leave the rest unconnected (and soon forgotten).
		if (ours.length < this.input.channels) {
			this.clientPresent = false;
			this.unmetCount = 0;
			this.current = this.emptyState();
			return false;
		}
		const appeared = !this.clientPresent;
		this.clientPresent = true;

		if (appeared) this.made.clear();
		for (const client of appearedClients) this.forgetFights(client);
		// Held clients are kept off: whatever connected one meanwhile (a look racing `hold`, a person) is undone.
		let undone = 0;
		for (const [from, to] of this.connectionsOf(graph))
			if (this.held.has(clientOf(from)) && (await this.tools.disconnectPorts(from, to, this.input.server))) undone++;
		const ruled = this.rules.wanted(graph, ours, isOwnClient, this.held, this.asked);
		const ruledKeys = new Set(ruled.map((pair) => key(...pair)));
		const wanted = [...ruled];
		for (const pair of this.remembered.values()) {
			const source = clientOf(pair[0]);
			if ((appeared || appearedClients.has(source)) && !this.held.has(source)) wanted.push(pair);
		}
		const names = new Set(graph.map((p) => p.name));
		const have = new Set(this.connectionsOf(graph).map((pair) => key(...pair)));
		const missing = new Map<string, Pair>();
		let waiting = 0;
		for (const pair of wanted) {
			const k = key(...pair);
			if (have.has(k) || !names.has(pair[0]) || !names.has(pair[1]) || missing.has(k)) continue;
			if (ruledKeys.has(k) && this.made.has(k)) {
				// Made before and removed since: said when something keeps doing it, and then made less often.
				if (this.contest.waiting(k)) {
					waiting++;
					continue;
				}
				const times = this.contest.remade(k);
				if (times !== undefined) this.emit('contested', pair[0], pair[1], times);
			}
			missing.set(k, pair);
		}
		// jack_connect's failure is not final (it fails with "already connected?" for a client not yet
		// active), nor its success (something may remove it at once): the graph read afterwards says.
		for (const [k, [from, to]] of missing)
			if ((await this.tools.connectPorts(from, to, this.input.server)) && ruledKeys.has(k)) this.made.add(k);
		const after = missing.size + undone > 0 ? ((await this.tools.readGraph(this.input.server)) ?? graph) : graph;
		if (incarnation !== this.incarnation) return false;
		const connections = this.connectionsOf(after);
		const now = new Set(connections.map((pair) => key(...pair)));
		this.unmetCount = waiting;
		for (const [k, [from, to]] of missing) {
			if (now.has(k)) this.emit('connected', from, to);
			else if (ruledKeys.has(k)) this.unmetCount++;
		}
		this.current = {
			client: this.input.client,
			ports: this.ourPorts(after).map((p) => p.name),
			connections,
			held: [...this.held],
		};
		for (const pair of connections) {
			const k = key(...pair);
			if (ruledKeys.has(k)) this.made.add(k);
			else if (!this.held.has(clientOf(pair[0]))) this.remembered.set(k, pair);
		}
		if ([...this.remembered.keys()].some((k) => !now.has(k))) this.scheduleConfirm(incarnation);
		return true;
	}

	stop(): void {
		this.clock.clearTimeout(this.confirmTimer);
	}

	/** A source that appeared anew starts with a clean slate: its earlier connections and fights do not count. */
	private forgetFights(client: string): void {
		const ours = (k: string) => k.startsWith(`${client}:`);
		this.contest.forget(ours);
		for (const k of [...this.made]) if (ours(k)) this.made.delete(k);
	}

	private scheduleConfirm(incarnation: number): void {
		this.clock.clearTimeout(this.confirmTimer);
		this.confirmTimer = this.clock.setTimeout(() => void this.confirmRemovals(incarnation), CONFIRM_REMOVAL_MS);
		this.confirmTimer.unref();
	}

	/**
	 * Forget what a person disconnected on purpose: both ports still exist, the connection does
	 * not, and our client is the one that was there when the removal was seen.
	 */
	private async confirmRemovals(incarnation: number): Promise<void> {
		if (incarnation !== this.incarnation) return;
		const graph = await this.tools.readGraph(this.input.server);
		if (incarnation !== this.incarnation || !graph || this.ourPorts(graph).length === 0) return;
		const names = new Set(graph.map((p) => p.name));
		const connected = new Set(this.connectionsOf(graph).map(([from, to]) => key(from, to)));
		for (const [k, [from, to]] of this.remembered) {
			if (!connected.has(k) && names.has(from) && names.has(to)) this.remembered.delete(k);
		}
	}

	/** Our own client, or another of jdcast's: never a source to hold or connect. */
	private isOurs(client: string): boolean {
		return client === this.input.client || isOwnClient(client);
	}

	/** A second look at the graph, a moment after one failed. */
	private async lookAgain(): Promise<JackPort[] | undefined> {
		await new Promise<void>((resolve) => this.clock.setTimeout(resolve, RELOOK_MS));
		return this.tools.readGraph(this.input.server);
	}

	private emptyState(): JackState {
		return { client: this.input.client, ports: [], connections: [], held: [...this.held] };
	}

	private ourPorts(graph: JackPort[]): JackPort[] {
		return graph.filter((p) => p.client === this.input.client && p.direction === 'input');
	}

	private connectionsOf(graph: JackPort[]): Pair[] {
		return this.ourPorts(graph).flatMap((p) => p.connections.map((c): Pair => [c, p.name]));
	}

	private noteServer(running: boolean): void {
		const previous = this.serverRunning;
		this.serverRunning = running;
		if (previous === undefined ? !running : previous !== running) this.emit('server', running);
	}
}
