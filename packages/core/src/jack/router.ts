import { EventEmitter } from 'eventemitter3';
import type { JackInput } from '../profile/types.js';
import { connectPorts, readGraph, type JackPort } from './cli.js';

/** How the router looks at and changes the graph (jack_lsp and jack_connect; a fake in unit tests). */
export interface JackGraphTools {
	readGraph(server: string | undefined): Promise<JackPort[] | undefined>;
	connectPorts(from: string, to: string, server: string | undefined): Promise<boolean>;
}

export interface JackState {
	client: string;
	ports: string[];
	connections: [string, string][];
}

export interface JackRouterEvents {
	connected: [from: string, to: string];
	/** The JACK server answered again after being gone, or went away. */
	server: [running: boolean];
}

/** A person who disconnects by hand is believed once our client is still there this much later. */
const CONFIRM_REMOVAL_MS = 500;

const key = (from: string, to: string) => `${from}\u0000${to}`;
const clientOf = (port: string) => port.slice(0, port.indexOf(':'));

/**
 * Keeps the connections into our JACK client: the profile's `connect` rules, and every
 * connection a person made by hand while it ran. Both are (re)applied when our client appears
 * (ffmpeg or jackd restarted) and when a source client appears (the DJ software started again).
 *
 * What is remembered follows the graph, with one care: when our client dies, JACK first drops
 * its connections and only then its ports, so a removal is only believed once our client is
 * still there a moment later — the same client: each time ffmpeg ends or starts, or JACK says our
 * client came or went, is a new incarnation, and a look begun in an older one is not believed
 * (under load, the check a moment later could otherwise see ffmpeg's successor before its
 * connections were made again, and forget the ones a person made). A connection whose source
 * client went away stays remembered.
 */
export class JackRouter extends EventEmitter<JackRouterEvents> {
	private remembered = new Map<string, [string, string]>();
	private current: JackState;
	private clientPresent = false;
	private serverRunning: boolean | undefined;
	private knownClients = new Set<string>();
	private confirmTimer: NodeJS.Timeout | undefined;
	private incarnation = 0;

	constructor(
		private readonly input: JackInput,
		private readonly tools: JackGraphTools = { readGraph, connectPorts },
	) {
		super();
		this.current = { client: input.client, ports: [], connections: [] };
	}

	get state(): JackState {
		return this.current;
	}

	get serverIsRunning(): boolean {
		return this.serverRunning === true;
	}

	/**
	 * Our client is ending or starting anew (ffmpeg exited or was started, or JACK said so): what
	 * is remembered is applied again once it is there, and no removal seen before counts.
	 */
	clientReset(): void {
		this.incarnation++;
		this.clientPresent = false;
		clearTimeout(this.confirmTimer);
	}

	/** Looks at the graph once and connects what is missing. Returns whether our client is there. */
	async refresh(): Promise<boolean> {
		const incarnation = this.incarnation;
		const graph = await this.tools.readGraph(this.input.server);
		// A look begun before our client was reset may have seen the one before: the next look counts.
		if (incarnation !== this.incarnation) return false;
		this.noteServer(graph !== undefined);
		if (!graph) {
			this.clientPresent = false;
			this.knownClients.clear();
			this.current = { client: this.input.client, ports: [], connections: [] };
			return false;
		}
		const clients = new Set(graph.map((p) => p.client));
		const appearedClients = new Set([...clients].filter((c) => !this.knownClients.has(c)));
		this.knownClients = clients;
		const ours = this.ourPorts(graph);
		// ffmpeg registers its ports one at a time: a client seen with some of them is still arriving, and
		// connecting it then would leave the rest unconnected (and soon forgotten).
		if (ours.length < this.input.channels) {
			this.clientPresent = false;
			this.current = { client: this.input.client, ports: [], connections: [] };
			return false;
		}
		const appeared = !this.clientPresent;
		this.clientPresent = true;

		const wanted: [string, string][] = [];
		for (const pair of this.remembered.values())
			if (appeared || appearedClients.has(clientOf(pair[0]))) wanted.push(pair);
		for (const rule of this.input.connect) {
			if ('from' in rule) {
				if (appeared || appearedClients.has(clientOf(rule.from)))
					wanted.push([rule.from, `${this.input.client}:${rule.to}`]);
			} else if (appeared || appearedClients.has(rule.client)) {
				wanted.push(...clientPairs(graph, rule.client, ours));
			}
		}
		const names = new Set(graph.map((p) => p.name));
		const have = new Set(ours.flatMap((p) => p.connections.map((c) => key(c, p.name))));
		let changed = false;
		for (const [from, to] of wanted) {
			if (have.has(key(from, to)) || !names.has(from) || !names.has(to)) continue;
			if (await this.tools.connectPorts(from, to, this.input.server)) {
				have.add(key(from, to));
				changed = true;
				this.emit('connected', from, to);
			}
		}
		const after = changed ? ((await this.tools.readGraph(this.input.server)) ?? graph) : graph;
		if (incarnation !== this.incarnation) return false;
		const connections = this.connectionsOf(after);
		this.current = { client: this.input.client, ports: this.ourPorts(after).map((p) => p.name), connections };
		for (const [from, to] of connections) this.remembered.set(key(from, to), [from, to]);
		if (connections.length < this.remembered.size) this.scheduleConfirm(incarnation);
		return true;
	}

	stop(): void {
		clearTimeout(this.confirmTimer);
	}

	private scheduleConfirm(incarnation: number): void {
		clearTimeout(this.confirmTimer);
		this.confirmTimer = setTimeout(() => void this.confirmRemovals(incarnation), CONFIRM_REMOVAL_MS);
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

	private ourPorts(graph: JackPort[]): JackPort[] {
		return graph.filter((p) => p.client === this.input.client && p.direction === 'input');
	}

	private connectionsOf(graph: JackPort[]): [string, string][] {
		return this.ourPorts(graph).flatMap((p) => p.connections.map((c): [string, string] => [c, p.name]));
	}

	private noteServer(running: boolean): void {
		const previous = this.serverRunning;
		this.serverRunning = running;
		if (previous === undefined ? !running : previous !== running) this.emit('server', running);
	}
}

/** A whole client's audio outputs in order onto our inputs; a mono source feeds every input. */
function clientPairs(graph: JackPort[], client: string, ours: JackPort[]): [string, string][] {
	const outputs = graph.filter((p) => p.client === client && p.direction === 'output' && p.audio);
	if (outputs.length === 0) return [];
	return ours.flatMap((input, i): [string, string][] => {
		const source = outputs[outputs.length === 1 ? 0 : i];
		return source ? [[source.name, input.name]] : [];
	});
}
