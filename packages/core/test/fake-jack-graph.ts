import type { JackPort } from '../src/jack/cli.js';
import { JackRouter, type JackGraphTools } from '../src/jack/router.js';
import type { ConnectRule, JackInput } from '../src/profile/types.js';

/**
 * A JACK graph in memory as JackTrip makes it: a client's ports exist before it is active, and
 * until then a connection to them fails (jack_connect's own answer is not to be believed: it says
 * "already connected?" for both).
 */
export class Graph implements JackGraphTools {
	clients = new Map<string, { outputs: string[]; active: boolean }>();
	links = new Set<string>();
	disconnects: string[] = [];

	constructor(private readonly ours: { client: string; channels: number }) {}

	add(client: string, outputs: string[], active = true): void {
		this.clients.set(client, { outputs: outputs.map((o) => `${client}:${o}`), active });
	}

	remove(client: string): void {
		this.clients.delete(client);
		for (const link of this.links) if (link.startsWith(`${client}:`)) this.links.delete(link);
	}

	async readGraph(): Promise<JackPort[]> {
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
		for (let i = 1; i <= this.ours.channels; i++) ports.push(port(`${this.ours.client}:input_${i}`, 'input'));
		return ports;
	}

	async connectPorts(from: string, to: string): Promise<boolean> {
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

export function setUp(connect: ConnectRule[], channels = 2, now = () => 0) {
	const input = { kind: 'jack', client: 'jd', channels, connect } as unknown as JackInput;
	const graph = new Graph({ client: 'jd', channels });
	const router = new JackRouter(input, graph, now);
	const said: string[] = [];
	router.on('connected', (from, to) => said.push(`${from} -> ${to}`));
	return { graph, router, said };
}

export const JACKTRIP: ConnectRule[] = [{ clients: ['JackTrip'], except: [] }];

/** JackTrip connected by the rule `connect: [JackTrip]`, on a clock the test moves (`clock.now = …`); what is said and warned, kept. */
export async function jackTripConnected() {
	const clock = { now: 0 };
	const { graph, router, said } = setUp(JACKTRIP, 2, () => clock.now);
	const contested: number[] = [];
	router.on('contested', (_from, _to, times) => contested.push(times));
	graph.add('JackTrip', ['receive_1', 'receive_2']);
	await router.refresh();
	return { graph, router, said, contested, clock };
}
