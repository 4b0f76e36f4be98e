import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jackTripConnected, setUp } from './fake-jack-graph.js';

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

describe('fights and races', () => {
	it('something that removes a rule connection each time: remade after 1, 2, 4, 8, 16, then every 30 s while it lasts, told once it goes on', async (t) => {
		const { graph, router, said, contested, time } = await jackTripConnected(t);
		const remadeAt: number[] = [];
		router.on('connected', (from) => from === 'JackTrip:receive_1' && remadeAt.push(Date.now()));
		// A patchbay removes it as soon as it is made: each removal is a graph event, looked at 100 ms later.
		while (Date.now() < 151_300) {
			await time.advance(100);
			graph.links.delete('JackTrip:receive_1 -> jd:input_1');
			await router.refresh();
			if (Date.now() === 400) assert.equal(router.unmet, 1, 'while it waits, the caller is told to look again');
		}
		const waits = remadeAt.slice(1).map((at, i) => at - remadeAt[i]!);
		// The third remake within 30 s is the first to wait; once fought, every remake waits (not only those in the window).
		assert.deepEqual(waits, [100, 100, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
		assert.deepEqual(contested, [4], 'told once, when it went on after the first wait');
		assert.equal(said.length, 2 + remadeAt.length, 'the other connection was left alone');
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
