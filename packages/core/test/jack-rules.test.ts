import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimClient } from '../src/jack/own-clients.js';
import { JACKTRIP, jackTripConnected, setUp } from './fake-jack-graph.js';

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

	it('a source going away drops its connections before its ports: what is remade then is no fight, and its return waits for nothing', async (t) => {
		const { graph, router, said, contested, time } = await jackTripConnected(t);
		// JackTrip's peer left: JackTrip disconnects its ports (each a graph event, each a look), then goes.
		for (const at of [10, 20, 30, 40]) {
			await time.advanceTo(at);
			graph.links.clear();
			await router.refresh();
		}
		graph.remove('JackTrip');
		await router.refresh();
		// It comes back (restarted) with its peer, a moment later: connected at once.
		await time.advanceTo(100);
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
