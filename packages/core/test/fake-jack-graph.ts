import type { TestContext } from 'node:test';
import type { JackPort } from '../src/jack/cli.js';
import { JackRouter, type JackGraphTools } from '../src/jack/router.js';
import type { ConnectRule, JackInput } from '../src/profile/types.js';
import { type Clock, realClock } from '../src/util/clock.js';
import { mockTime } from './mock-clock.js';

/**
 * A JACK graph in memory as JackTrip makes it: a client's ports exist before it is active, and
 * until then a connection to them fails (jack_connect's own answer is not to be believed: it says
 * "already connected?" for both).
 */
export class Graph implements JackGraphTools {
	clients = new Map<string, { outputs: string[]; active: boolean }>();
	links = new Set<string>();
	/** Every jack_connect asked for, whatever came of it. */
	connects: string[] = [];
	disconnects: string[] = [];
	/** How many of our client's ports are registered so far (ffmpeg registers them one by one). */
	ourPorts: number;
	/** While set, a look returns the graph as it was when it began, once this resolves. */
	slowLook: Promise<void> | undefined;
	/** How many of the next looks fail (a busy jackd refusing jack_lsp, or no server). */
	failingLooks = 0;

	constructor(private readonly ours: { client: string; channels: number }) {
		this.ourPorts = ours.channels;
	}

	add(client: string, outputs: string[], active = true): void {
		this.clients.set(client, { outputs: outputs.map((o) => `${client}:${o}`), active });
	}

	remove(client: string): void {
		this.clients.delete(client);
		for (const link of this.links) if (link.startsWith(`${client}:`)) this.links.delete(link);
	}

	async readGraph(): Promise<JackPort[] | undefined> {
		if (this.failingLooks > 0) {
			this.failingLooks--;
			return undefined;
		}
		const port = (name: string, direction: 'input' | 'output'): JackPort => ({
			name,
			client: name.slice(0, name.indexOf(':')),
			direction,
			audio: true,
			connections:
				direction === 'input'
					? [...this.links].filter((l) => l.endsWith(` -> ${name}`)).map((l) => l.split(' -> ')[0]!)
					: [],
		});
		const ports = [...this.clients.values()].flatMap((c) => c.outputs.map((o) => port(o, 'output')));
		for (let i = 1; i <= this.ourPorts; i++) ports.push(port(`${this.ours.client}:input_${i}`, 'input'));
		if (this.slowLook) await this.slowLook;
		return ports;
	}

	async connectPorts(from: string, to: string): Promise<boolean> {
		this.connects.push(`${from} -> ${to}`);
		const source = this.clients.get(from.slice(0, from.indexOf(':')));
		if (source?.active) this.links.add(`${from} -> ${to}`);
		// Whatever happened, jack_connect may well have said it worked.
		return true;
	}

	async disconnectPorts(from: string, to: string): Promise<boolean> {
		this.disconnects.push(`${from} -> ${to}`);
		return this.links.delete(`${from} -> ${to}`);
	}

	sorted(): string[] {
		return [...this.links].sort();
	}
}

/** Our client `jd` with `channels` inputs, and `connect` rules. */
export function jackInput(connect: ConnectRule[], channels = 2): JackInput {
	return { kind: 'jack', client: 'jd', channels, connect, at: { file: 'p.yaml', line: 1, col: 1 } };
}

export function setUp(connect: ConnectRule[], channels = 2, clock: Clock = realClock) {
	const graph = new Graph({ client: 'jd', channels });
	const router = new JackRouter(jackInput(connect, channels), graph, clock);
	const said: string[] = [];
	router.on('connected', (from, to) => said.push(`${from} -> ${to}`));
	return { graph, router, said };
}

export const JACKTRIP: ConnectRule[] = [{ clients: ['JackTrip'], except: [] }];

/** JackTrip connected by the rule `connect: [JackTrip]` at 0 ms on mock time (`time`); what is said and warned, kept. */
export async function jackTripConnected(t: TestContext) {
	const time = mockTime(t);
	const { graph, router, said } = setUp(JACKTRIP, 2, time.clock);
	const contested: number[] = [];
	router.on('contested', (_from, _to, times) => contested.push(times));
	graph.add('JackTrip', ['receive_1', 'receive_2']);
	await router.refresh();
	return { graph, router, said, contested, time };
}
