import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setUp } from './fake-jack-graph.js';
import { mockTime } from './mock-clock.js';

/** The router remembers a connection made by hand; a removal of one is believed this much after it was seen. */
const CONFIRM_REMOVAL_MS = 500;

/**
 * Our client with the rule's connection (player → input_1) and one made by hand (system → input_2),
 * both seen by the router, on mock time.
 */
async function running(t: TestContext) {
	const time = mockTime(t);
	const { graph, router } = setUp([{ from: 'player:out_l', to: 'input_1' }], 2, time.clock);
	t.after(() => router.stop());
	graph.add('player', ['out_l']);
	graph.add('system', ['capture_1']);
	assert.equal(await router.refresh(), true);
	graph.links.add('system:capture_1 -> jd:input_2');
	await router.refresh();
	assert.deepEqual(router.state.connections.sort(), [
		['player:out_l', 'jd:input_1'],
		['system:capture_1', 'jd:input_2'],
	]);
	graph.connects = [];
	return { graph, router, time };
}

describe('JACK routing: what a person connected by hand survives ffmpeg restarts', () => {
	it('ffmpeg killed, and its successor seen before its connections are made again: the hand-made one is kept', async (t) => {
		const { graph, router, time } = await running(t);
		// A look between JACK dropping the connections and dropping the ports: the rule's is made again.
		graph.links.clear();
		await router.refresh();
		router.clientReset(); // the encoder loop: ffmpeg exited
		router.clientReset(); // and started again; its client is there, nothing connected yet
		await time.advance(CONFIRM_REMOVAL_MS + 200); // past the moment a removal would be believed
		assert.equal(await router.refresh(), true);
		assert.deepEqual(graph.connects.sort(), ['player:out_l -> jd:input_1', 'system:capture_1 -> jd:input_2']);
	});

	it('a look begun before ffmpeg restarted is not believed: the next one applies every connection', async (t) => {
		const { graph, router } = await running(t);
		let finishLook!: () => void;
		graph.slowLook = new Promise((resolve) => (finishLook = resolve));
		const stale = router.refresh();
		graph.slowLook = undefined;
		// While that look runs, ffmpeg is restarted and its new client has nothing connected.
		router.clientReset();
		graph.links.clear();
		finishLook();
		assert.equal(await stale, false);
		assert.equal(await router.refresh(), true);
		assert.equal(graph.connects.length, 2);
	});

	it('a new ffmpeg seen with only its first port: nothing connected until it has them all, then everything', async (t) => {
		const { graph, router, time } = await running(t);
		router.clientReset();
		graph.links.clear();
		graph.ourPorts = 1;
		assert.equal(await router.refresh(), false);
		await time.advance(CONFIRM_REMOVAL_MS + 200);
		graph.ourPorts = 2;
		assert.equal(await router.refresh(), true);
		assert.deepEqual(graph.connects.sort(), ['player:out_l -> jd:input_1', 'system:capture_1 -> jd:input_2']);
	});
});

describe('JACK routing: a connection a person removes by hand', () => {
	/** The hand-made connection removed while ffmpeg runs, `ms` later ffmpeg restarted: what is connected anew. */
	async function restartedAfter(t: TestContext, ms: number): Promise<string[]> {
		const { graph, router, time } = await running(t);
		graph.links.delete('system:capture_1 -> jd:input_2');
		await router.refresh();
		await time.advance(ms);
		router.clientReset();
		graph.links.clear();
		await router.refresh();
		return graph.connects.sort();
	}

	it('is forgotten 500 ms after it was seen: not made again after a restart', async (t) => {
		assert.deepEqual(await restartedAfter(t, CONFIRM_REMOVAL_MS), ['player:out_l -> jd:input_1']);
	});

	it('ffmpeg restarted before then: the removal may have been JACK dropping a dying client, and it is made again', async (t) => {
		assert.deepEqual(await restartedAfter(t, CONFIRM_REMOVAL_MS - 1), [
			'player:out_l -> jd:input_1',
			'system:capture_1 -> jd:input_2',
		]);
	});
});
