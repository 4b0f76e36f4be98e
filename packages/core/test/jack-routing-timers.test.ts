import assert from 'node:assert/strict';
import { it } from 'node:test';
import { JackRouter } from '../src/jack/router.js';
import { Routing } from '../src/jack/routing.js';
import { Graph, JACKTRIP, jackInput } from './fake-jack-graph.js';
import { mockTime } from './mock-clock.js';

it('a rule connection that cannot be made yet is tried again after 250 ms, 500 ms, then every second, until it is made', async (t) => {
	const time = mockTime(t);
	const graph = new Graph({ client: 'jd', channels: 2 });
	// JackTrip waits for its peer: its ports are there, and refuse connections.
	graph.add('JackTrip', ['receive_1', 'receive_2'], false);
	const triedAt = new Set<number>();
	const connect = graph.connectPorts.bind(graph);
	// jack_connect fails while the source is not active ("already connected?"): tried again, and no fight.
	graph.connectPorts = async (from, to) => {
		triedAt.add(Date.now());
		await connect(from, to);
		return graph.clients.get('JackTrip')!.active;
	};
	const routing = new Routing(jackInput(JACKTRIP), { tools: graph, clock: time.clock, watch: false });
	t.after(() => routing.stop());

	await routing.refresh();
	await time.advanceTo(3999);
	assert.deepEqual([...triedAt], [0, 250, 750, 1750, 2750, 3750]);
	assert.deepEqual(time.waits, [250, 500, 1000, 1000, 1000, 1000]);

	graph.clients.get('JackTrip')!.active = true; // the peer arrived
	await time.advanceTo(4750);
	assert.deepEqual(graph.sorted(), ['JackTrip:receive_1 -> jd:input_1', 'JackTrip:receive_2 -> jd:input_2']);
	assert.equal(time.pending(), 0, 'made: no more tries');
	await time.advance(60_000);
	assert.equal(triedAt.size, 7);
});

it('one failed look is looked at again 200 ms later before the JACK server counts as gone', async (t) => {
	const time = mockTime(t);
	const graph = new Graph({ client: 'jd', channels: 2 });
	const router = new JackRouter(jackInput(JACKTRIP), graph, time.clock);
	const server: boolean[] = [];
	router.on('server', (running) => server.push(running));
	await router.refresh();

	// A busy jackd refuses one jack_lsp: the second look, 200 ms later, answers.
	graph.failingLooks = 1;
	let settled = false;
	const look = router.refresh().then((present) => {
		settled = true;
		return present;
	});
	await time.advance(199);
	assert.equal(settled, false, 'not before 200 ms');
	await time.advance(1);
	assert.equal(await look, true);
	assert.deepEqual(server, [], 'the server was never said gone');

	// Two looks in a row fail: it is gone.
	graph.failingLooks = 2;
	const gone = router.refresh();
	await time.advance(200);
	assert.equal(await gone, false);
	assert.deepEqual(server, [false]);
});
