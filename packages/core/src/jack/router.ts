import { EventEmitter } from 'eventemitter3';
import type { JackInput } from '../profile/types.js';
import { connectPorts, readGraph, type JackPort } from './cli.js';

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

/**
 * Keeps the connections into our JACK client: the profile's `connect` rules, applied when the
 * client (re)appears or a named source client appears, and every connection a person made by
 * hand while it ran, remembered from the last look at the graph and restored after the client
 * comes back (ffmpeg restarted, jackd restarted).
 */
export class JackRouter extends EventEmitter<JackRouterEvents> {
	private remembered: [string, string][] = [];
	private current: JackState;
	private clientPresent = false;
	private serverRunning: boolean | undefined;
	private knownClients = new Set<string>();

	constructor(private readonly input: JackInput) {
		super();
		this.current = { client: input.client, ports: [], connections: [] };
	}

	get state(): JackState {
		return this.current;
	}

	/** Looks at the graph once and connects what is missing. Returns whether our client is there. */
	async refresh(): Promise<boolean> {
		const graph = await readGraph(this.input.server);
		const running = graph !== undefined;
		const previous = this.serverRunning;
		this.serverRunning = running;
		if (previous === undefined ? !running : previous !== running) this.emit('server', running);
		if (!graph) {
			this.clientPresent = false;
			this.knownClients.clear();
			this.current = { ...this.current, ports: [] };
			return false;
		}
		const ours = graph.filter((p) => p.client === this.input.client && p.direction === 'input');
		if (ours.length === 0) {
			this.clientPresent = false;
			this.current = { ...this.current, ports: [] };
			return false;
		}
		const clients = new Set(graph.map((p) => p.client));
		const appeared = !this.clientPresent;
		const newSources = [...clients].filter((c) => !this.knownClients.has(c));
		this.clientPresent = true;
		this.knownClients = clients;

		const wanted: [string, string][] = [];
		if (appeared) wanted.push(...this.remembered);
		for (const rule of this.input.connect) {
			if ('from' in rule) {
				if (appeared || newSources.includes(rule.from.slice(0, rule.from.indexOf(':')))) wanted.push([rule.from, `${this.input.client}:${rule.to}`]);
			} else if (appeared || newSources.includes(rule.client)) {
				wanted.push(...clientPairs(graph, rule.client, ours));
			}
		}
		const have = new Set(ours.flatMap((p) => p.connections.map((c) => `${c}\u0000${p.name}`)));
		let changed = false;
		for (const [from, to] of wanted) {
			if (have.has(`${from}\u0000${to}`)) continue;
			if (await connectPorts(from, to, this.input.server)) {
				have.add(`${from}\u0000${to}`);
				changed = true;
				this.emit('connected', from, to);
			}
		}
		const after = changed ? ((await readGraph(this.input.server)) ?? graph) : graph;
		const ports = after.filter((p) => p.client === this.input.client && p.direction === 'input');
		const connections = ports.flatMap((p) => p.connections.map((c): [string, string] => [c, p.name]));
		this.current = { client: this.input.client, ports: ports.map((p) => p.name), connections };
		this.remembered = connections;
		return true;
	}
}

/** A whole client's audio outputs in order onto our inputs; a mono source feeds every input. */
function clientPairs(graph: JackPort[], client: string, ours: JackPort[]): [string, string][] {
	const outputs = graph.filter((p) => p.client === client && p.direction === 'output' && p.audio);
	if (outputs.length === 0) return [];
	return ours.map((input, i) => [outputs[outputs.length === 1 ? 0 : i]?.name ?? '', input.name] as [string, string]).filter(([from]) => from !== '');
}
