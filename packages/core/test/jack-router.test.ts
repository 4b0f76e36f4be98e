import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { JackPort } from '../src/jack/cli.js';
import { JackRouter, type JackGraphTools } from '../src/jack/router.js';
import type { JackInput } from '../src/profile/types.js';

const INPUT = {
	client: 'jd',
	channels: 2,
	connect: [{ from: 'player:out_l', to: 'input_1' }],
} as unknown as JackInput;

/** A JACK graph in memory: the player's outputs, the system capture, and our client's inputs when it runs. */
class FakeGraph implements JackGraphTools {
	ours = true;
	/** How many of our client's ports are registered so far (ffmpeg registers them one by one). */
	ourPorts = 2;
	links = new Set<string>();
	connects: string[] = [];
	/** A look that returns what the graph was when it began, after `slowLook` resolves. */
	slowLook: Promise<void> | undefined;

	async readGraph(): Promise<JackPort[]> {
		const snapshot = this.ports();
		if (this.slowLook) await this.slowLook;
		return snapshot;
	}

	async connectPorts(from: string, to: string): Promise<boolean> {
		this.connects.push(`${from} -> ${to}`);
		if (!this.ours) return false;
		this.links.add(`${from} -> ${to}`);
		return true;
	}

	async disconnectPorts(from: string, to: string): Promise<boolean> {
		return this.links.delete(`${from} -> ${to}`);
	}

	/** ffmpeg dies: JACK drops its connections first, its ports a moment later. */
	dropConnections(): void {
		this.links.clear();
	}

	private ports(): JackPort[] {
		const port = (name: string, direction: 'input' | 'output'): JackPort => ({
			name,
			client: name.slice(0, name.indexOf(':')),
			direction,
			audio: true,
			connections: [...this.links].filter((l) => l.endsWith(` -> ${name}`)).map((l) => l.split(' -> ')[0]!),
		});
		const ports = [port('player:out_l', 'output'), port('system:capture_1', 'output')];
		if (this.ours) ports.push(...['jd:input_1', 'jd:input_2'].slice(0, this.ourPorts).map((n) => port(n, 'input')));
		return ports;
	}
}

/** Our client with the rule's connection and one made by hand, both seen by the router. */
async function running(): Promise<{ graph: FakeGraph; router: JackRouter }> {
	const graph = new FakeGraph();
	const router = new JackRouter(INPUT, graph);
	assert.equal(await router.refresh(), true);
	graph.links.add('system:capture_1 -> jd:input_2');
	await router.refresh();
	assert.deepEqual(router.state.connections.sort(), [
		['player:out_l', 'jd:input_1'],
		['system:capture_1', 'jd:input_2'],
	]);
	graph.connects = [];
	return { graph, router };
}

describe('JACK routing: what a person connected by hand survives ffmpeg restarts', () => {
	it('ffmpeg killed, and its successor seen before its connections are made again: the hand-made one is kept', async (t) => {
		const { graph, router } = await running();
		t.after(() => router.stop());
		// A look between JACK dropping the connections and dropping the ports.
		graph.dropConnections();
		await router.refresh();
		router.clientReset(); // the encoder loop: ffmpeg exited
		router.clientReset(); // and started again; its client is there, nothing connected yet
		await sleep(700); // past the moment a removal would be believed
		assert.equal(await router.refresh(), true);
		assert.deepEqual(graph.connects.sort(), ['player:out_l -> jd:input_1', 'system:capture_1 -> jd:input_2']);
	});

	it('a look begun before ffmpeg restarted is not believed: the next one applies every connection', async (t) => {
		const { graph, router } = await running();
		t.after(() => router.stop());
		let finishLook!: () => void;
		graph.slowLook = new Promise((resolve) => (finishLook = resolve));
		const stale = router.refresh();
		graph.slowLook = undefined;
		// While that look runs, ffmpeg is restarted and its new client has nothing connected.
		router.clientReset();
		graph.dropConnections();
		finishLook();
		assert.equal(await stale, false);
		assert.equal(await router.refresh(), true);
		assert.equal(graph.connects.length, 2);
	});

	it('a new ffmpeg seen with only its first port: nothing connected until it has them all, then everything', async (t) => {
		const { graph, router } = await running();
		t.after(() => router.stop());
		router.clientReset();
		graph.dropConnections();
		graph.ourPorts = 1;
		assert.equal(await router.refresh(), false);
		await sleep(700);
		graph.ourPorts = 2;
		assert.equal(await router.refresh(), true);
		assert.deepEqual(graph.connects.sort(), ['player:out_l -> jd:input_1', 'system:capture_1 -> jd:input_2']);
	});

	it('a connection a person removes while ffmpeg runs is forgotten: not made again after a restart', async (t) => {
		const { graph, router } = await running();
		t.after(() => router.stop());
		graph.links.delete('system:capture_1 -> jd:input_2');
		await router.refresh();
		await sleep(700);
		router.clientReset();
		graph.dropConnections();
		await router.refresh();
		assert.deepEqual(graph.connects, ['player:out_l -> jd:input_1']);
	});
});
