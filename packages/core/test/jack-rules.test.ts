import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JackPort } from '../src/jack/cli.js';
import { claimClient } from '../src/jack/own-clients.js';
import { JackRouter, type JackGraphTools } from '../src/jack/router.js';
import type { ConnectRule, JackInput } from '../src/profile/types.js';

/**
 * A JACK graph in memory as JackTrip makes it: a client's ports exist before it is active, and
 * until then a connection to them fails (jack_connect's own answer is not to be believed: it says
 * "already connected?" for both).
 */
class Graph implements JackGraphTools {
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

function setUp(connect: ConnectRule[], channels = 2, now = () => 0) {
	const input = { kind: 'jack', client: 'jd', channels, connect } as unknown as JackInput;
	const graph = new Graph({ client: 'jd', channels });
	const router = new JackRouter(input, graph, now);
	const said: string[] = [];
	router.on('connected', (from, to) => said.push(`${from} -> ${to}`));
	return { graph, router, said };
}

const JACKTRIP: ConnectRule[] = [{ clients: ['JackTrip'], except: [] }];

describe('connect rules are desired state', () => {
	it('JackTrip waiting for its peer: nothing said while its ports refuse, connected (and said once) when it is active', async () => {
		const { graph, router, said } = setUp(JACKTRIP);
		graph.add('JackTrip', ['receive_1', 'receive_2'], false);
		await router.refresh();
		assert.deepEqual(said, []);
		assert.equal(router.unmet, 2, 'the caller is told to look again');
		await router.refresh();
		assert.deepEqual(said, []);
		graph.clients.get('JackTrip')!.active = true; // the peer arrived
		await router.refresh();
		assert.deepEqual(said, ['JackTrip:receive_1 -> jd:input_1', 'JackTrip:receive_2 -> jd:input_2']);
		assert.equal(router.unmet, 0);
		await router.refresh();
		assert.equal(said.length, 2, 'said once');
	});

	it('a rule connection removed by anyone, or by the source reconnecting its ports elsewhere, is made again', async () => {
		const { graph, router, said } = setUp(JACKTRIP);
		graph.add('JackTrip', ['receive_1', 'receive_2']);
		await router.refresh();
		graph.links.delete('JackTrip:receive_1 -> jd:input_1');
		await router.refresh();
		assert.deepEqual(graph.sorted(), ['JackTrip:receive_1 -> jd:input_1', 'JackTrip:receive_2 -> jd:input_2']);
		assert.equal(said.length, 3);
		// JackTrip restarted: its client goes and comes back, inactive at first.
		graph.remove('JackTrip');
		await router.refresh();
		graph.add('JackTrip', ['receive_1', 'receive_2'], false);
		await router.refresh();
		assert.deepEqual(graph.sorted(), []);
		graph.clients.get('JackTrip')!.active = true;
		await router.refresh();
		assert.deepEqual(graph.sorted(), ['JackTrip:receive_1 -> jd:input_1', 'JackTrip:receive_2 -> jd:input_2']);
	});

	it('a source going away drops its connections before its ports: what is remade then is no fight, and its return waits for nothing', async () => {
		let now = 0;
		const { graph, router, said } = setUp(JACKTRIP, 2, () => now);
		const contested: number[] = [];
		router.on('contested', (_from, _to, times) => contested.push(times));
		graph.add('JackTrip', ['receive_1', 'receive_2']);
		await router.refresh();
		// JackTrip's peer left: JackTrip disconnects its ports (each a graph event, each a look), then goes.
		for (const at of [10, 20, 30, 40]) {
			now = at;
			graph.links.clear();
			await router.refresh();
		}
		graph.remove('JackTrip');
		await router.refresh();
		// It comes back (restarted) with its peer, a moment later: connected at once.
		now = 100;
		graph.add('JackTrip', ['receive_1', 'receive_2']);
		const before = said.length;
		await router.refresh();
		assert.deepEqual(said.slice(before), ['JackTrip:receive_1 -> jd:input_1', 'JackTrip:receive_2 -> jd:input_2']);
		assert.deepEqual(contested, []);
	});
});

describe('patterns over client names', () => {
	it('every peer of a hub but system: stereo in order, mono to both inputs, jdcast clients never', async (t) => {
		const { graph, router } = setUp([{ clients: ['*'], except: ['system'] }]);
		const release = claimClient('jd_other_profile');
		t.after(release);
		graph.add('system', ['capture_1', 'capture_2']);
		graph.add('anna', ['receive_1', 'receive_2']);
		graph.add('ben', ['receive_1']);
		graph.add('jd_other_profile', ['monitor_1']);
		await router.refresh();
		assert.deepEqual(graph.sorted(), [
			'anna:receive_1 -> jd:input_1',
			'anna:receive_2 -> jd:input_2',
			'ben:receive_1 -> jd:input_1',
			'ben:receive_1 -> jd:input_2',
		]);
		// A peer who joins later is connected; one who leaves takes only its own connections.
		graph.add('carla', ['receive_1', 'receive_2']);
		graph.remove('anna');
		await router.refresh();
		assert.deepEqual(graph.sorted(), [
			'ben:receive_1 -> jd:input_1',
			'ben:receive_1 -> jd:input_2',
			'carla:receive_1 -> jd:input_1',
			'carla:receive_2 -> jd:input_2',
		]);
	});

	it('"jacktrip-*" matches by name; a stereo source into a mono input is summed there', async () => {
		const { graph, router } = setUp([{ clients: ['jacktrip-*'], except: [] }], 1);
		graph.add('jacktrip-anna', ['receive_1', 'receive_2']);
		graph.add('anna', ['out']);
		await router.refresh();
		assert.deepEqual(graph.sorted(), [
			'jacktrip-anna:receive_1 -> jd:input_1',
			'jacktrip-anna:receive_2 -> jd:input_1',
		]);
	});
});

describe('jdcast disconnect and connect', () => {
	it('a held client is taken off and kept off, by rules and memory alike, until let go', async () => {
		const { graph, router } = setUp([{ clients: ['*'], except: [] }]);
		graph.add('anna', ['receive_1', 'receive_2']);
		graph.add('ben', ['receive_1', 'receive_2']);
		await router.refresh();
		assert.deepEqual(await router.hold('ben'), [
			['ben:receive_1', 'jd:input_1'],
			['ben:receive_2', 'jd:input_2'],
		]);
		await router.refresh();
		graph.remove('ben');
		await router.refresh();
		graph.add('ben', ['receive_1', 'receive_2']); // ben rejoins: still held
		await router.refresh();
		assert.deepEqual(graph.sorted(), ['anna:receive_1 -> jd:input_1', 'anna:receive_2 -> jd:input_2']);
		assert.deepEqual(router.state.held, ['ben']);
		assert.equal(await router.release('ben'), true);
		await router.refresh();
		assert.equal(graph.sorted().length, 4);
		assert.deepEqual(router.state.held, []);
	});

	it('a typo holds nothing; a client no rule names is connected whole when asked, and remembered', async () => {
		const { graph, router } = setUp([]);
		graph.add('guest', ['out_l', 'out_r']);
		await router.refresh();
		assert.equal(await router.hold('gest'), undefined);
		assert.deepEqual(router.state.held, []);
		assert.equal(await router.release('gest'), false);
		assert.equal(await router.hold('jd'), undefined, 'our own client is no source');
		assert.equal(await router.release('guest'), true);
		await router.refresh();
		assert.deepEqual(graph.sorted(), ['guest:out_l -> jd:input_1', 'guest:out_r -> jd:input_2']);
		// The guest's software restarts: made again, as a connection made by hand is.
		graph.remove('guest');
		await router.refresh();
		graph.add('guest', ['out_l', 'out_r']);
		await router.refresh();
		assert.equal(graph.sorted().length, 2);
	});
});

it('the profile language: a name or pattern, { clients, except }, or a pair', async () => {
	const { loadProfileObject } = await import('../src/index.js');
	const { profile, diagnostics } = loadProfileObject(
		{
			input: {
				jack: {
					connect: [
						'JackTrip',
						'jacktrip-*',
						{ clients: '*', except: ['system'] },
						{ clients: ['a', 'b'] },
						['x:y', 'input_2'],
					],
				},
			},
			servers: { s: { embedded: true } },
			streams: [{ mount: '/a.opus', format: 'opus' }],
		},
		{ name: 'p' },
	);
	assert.deepEqual(diagnostics, []);
	assert.deepEqual(profile?.input.kind === 'jack' && profile.input.connect, [
		{ clients: ['JackTrip'], except: [] },
		{ clients: ['jacktrip-*'], except: [] },
		{ clients: ['*'], except: ['system'] },
		{ clients: ['a', 'b'], except: [] },
		{ from: 'x:y', to: 'input_2' },
	]);
});

describe('fights and races', () => {
	it('something that removes a rule connection each time: remade less and less often, told once it goes on', async () => {
		let now = 0;
		const { graph, router, said } = setUp(JACKTRIP, 2, () => now);
		const contested: number[] = [];
		router.on('contested', (_from, _to, times) => contested.push(times));
		graph.add('JackTrip', ['receive_1', 'receive_2']);
		await router.refresh();
		const fight = async (at: number) => {
			now = at;
			graph.links.delete('JackTrip:receive_1 -> jd:input_1');
			await router.refresh();
		};
		await fight(100);
		await fight(200);
		await fight(300); // the third remake within 30 s: the next one waits a second
		const before = said.length;
		await fight(400);
		assert.equal(said.length, before, 'not remade while it waits');
		assert.equal(router.unmet, 1, 'looked at again later');
		assert.deepEqual(contested, []);
		now = 1400;
		await router.refresh();
		assert.equal(said.length, before + 1, 'remade once the wait is over');
		assert.deepEqual(contested, [4], 'removed again after a wait: told');
		await fight(1500); // the next wait is longer (2 s)
		now = 3000;
		await router.refresh();
		assert.equal(said.length, before + 1);
		now = 3500;
		await router.refresh();
		assert.equal(said.length, before + 2);
		assert.deepEqual(contested, [4], 'told once');
	});

	it('a look that connected a client while it was being held: undone at the next look', async () => {
		const { graph, router } = setUp([{ clients: ['*'], except: [] }]);
		graph.add('ben', ['receive_1', 'receive_2']);
		await router.hold('ben');
		graph.links.add('ben:receive_1 -> jd:input_1'); // what a racing look (or a person) did
		await router.refresh();
		assert.deepEqual(graph.sorted(), []);
		assert.deepEqual(router.state.connections, []);
	});

	it('connected by hand, held, asked back: connected again; a client asked for before it is active is tried until it is', async () => {
		const { graph, router } = setUp([]);
		graph.add('guest', ['out_l', 'out_r']);
		graph.links.add('guest:out_l -> jd:input_1');
		await router.refresh();
		await router.hold('guest');
		await router.refresh();
		assert.deepEqual(graph.sorted(), []);
		assert.equal(await router.release('guest'), true);
		await router.refresh();
		assert.deepEqual(graph.sorted(), ['guest:out_l -> jd:input_1', 'guest:out_r -> jd:input_2']);

		graph.add('peer', ['receive_1', 'receive_2'], false);
		assert.equal(await router.release('peer'), true);
		await router.refresh();
		assert.equal(router.unmet, 2);
		graph.clients.get('peer')!.active = true;
		await router.refresh();
		assert.equal(graph.sorted().length, 4);
		assert.equal(router.releaseAll(), true, 'a reload lets go of what was asked for');
	});
});
