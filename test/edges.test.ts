import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { freePort, tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, writeProfile } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { oggListener, type LoadListener } from './helpers/load.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

const PASSWORD = 'edge-source-pw-1';
const PER_EDGE = 100;

it('three push edges, 300 listeners: every listener gets every page, status sums them; one edge killed and restarted: the others lose nothing, it is back within a second of accepting', async (t) => {
	const ports = [await freePort(), await freePort(), await freePort()];
	const edges = await Promise.all(
		ports.map((port) => startIcecast(t, { port, sourcePassword: PASSWORD, clients: PER_EDGE + 20 })),
	);
	const dir = tempDir(t);
	const servers = ports.map((port, i) => serverEntry(`edge${i + 1}`, port)).join('');
	const file = writeProfile(
		dir,
		'wide',
		`name: wide\ninput: { tone: { frequency: 440, level: -12 } }\nsilence: false\nservers:\n${servers}streams:\n  - { mount: /live.opus, format: opus }\n  - { mount: /live.mp3, format: mp3 }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: PASSWORD });
	await up.eventually(
		() =>
			['edge1', 'edge2', 'edge3'].every(
				(s) => up.outputState('/live.opus', s) === 'live' && up.outputState('/live.mp3', s) === 'live',
			),
		'both mounts live on every edge',
		20_000,
	);

	// Listeners arrive a few at a time, as people do: hundreds of connections in one instant overflow
	// Icecast's small accept queue, and the kernel's SYN retries (1, 3, 7, 15 s) would be measured.
	const listeners: LoadListener[][] = ports.map(() => []);
	t.after(() => listeners.flat().forEach((l) => l.close()));
	for (let joined = 0; joined < PER_EDGE - 1; joined += 5) {
		const batch = ports.flatMap((port, edge) =>
			Array.from({ length: Math.min(5, PER_EDGE - 1 - joined) }, () => {
				const listener = oggListener(`http://127.0.0.1:${port}/live.opus`);
				listeners[edge]!.push(listener);
				return listener;
			}),
		);
		await up.eventually(() => batch.every((l) => l.bytes > 0 || l.ended), 'a few more listeners connected');
	}
	// One real decode per edge, over the whole test.
	const decoded = ports.map((port, i) =>
		capture(`http://127.0.0.1:${port}/live.opus`, 16, path.join(dir, `edge${i + 1}.opus`)),
	);

	const status = () => up.status();
	await up.eventually(() => {
		const refused = listeners.flat().filter((l) => l.ended).length;
		assert.equal(refused, 0, `${refused} listeners refused or cut off`);
		return listeners.flat().every((l) => l.bytes > 0);
	}, 'every listener connected and receiving');
	const summed = await up.eventually(
		async () => {
			const mount = (await status()).mounts.find((m) => m.mount === '/live.opus');
			if (mount?.listeners === 3 * PER_EDGE) return mount;
			// Said when the wait times out: what the edges counted last.
			throw new Error(`counted ${JSON.stringify(mount?.servers.map((m) => [m.server, m.listeners]))}`);
		},
		'300 listeners summed over the three edges',
		20_000,
	);
	assert.deepEqual(
		summed.servers.map((s) => [s.server, s.listeners]),
		[
			['edge1', PER_EDGE],
			['edge2', PER_EDGE],
			['edge3', PER_EDGE],
		],
	);
	const table = await jdcastOnce(['status', '--socket', up.socket]);
	assert.match(table.stdout, /^\/live\.opus: 300 listeners on 3 servers \(edge1 100, edge2 100, edge3 100\)$/m);

	// Edge 2 dies under load, and stays down while the other edges' listeners each get over 40 KB (96
	// kbps: over 3 s of audio) and jdcast's sum has dropped it.
	const before = listeners.map((edge) => edge.map((l) => l.bytes));
	const killedAt = Date.now();
	await edges[1]!.kill();
	const gained = (i: number) => listeners[i]!.map((l, j) => l.bytes - before[i]![j]!);
	await up
		.eventually(() => [0, 2].every((i) => gained(i).every((n) => n > 40_000)), 'the other edges streaming on')
		.catch((error: Error) => assert.fail(`${error.message}: ${[0, 2].map((i) => Math.min(...gained(i)))} bytes`));
	// The dead edge's last count is history: the sum is what the live edges carry.
	const whileDown = await up.eventually(async () => {
		const mount = (await status()).mounts.find((m) => m.mount === '/live.opus');
		return mount?.servers.find((s) => s.server === 'edge2')?.listeners === null ? mount : undefined;
	}, "edge2's count dropped from the sum");
	assert.equal(whileDown.listeners, 2 * PER_EDGE);
	const restarted = await startIcecast(t, { port: ports[1]!, sourcePassword: PASSWORD, clients: PER_EDGE + 20 });
	const acceptingAt = Date.now();
	const back = await up.waitForEvent(
		(e) =>
			e.event === 'output' &&
			e.server === 'edge2' &&
			e.mount === '/live.opus' &&
			e.state === 'live' &&
			Date.parse(String(e.time)) > killedAt,
		'edge2 live again',
		10_000,
	);
	const backAfter = Date.parse(String(back.time)) - acceptingAt;
	t.diagnostic(`edge2's mount live ${backAfter} ms after icecast2 accepted again`);
	assert.ok(backAfter <= 1000, `back within a second of accepting (${backAfter} ms)`);
	assert.ok(restarted.pid > 0);

	for (const i of [0, 2]) {
		const edge = listeners[i]!;
		assert.equal(edge.filter((l) => l.ended).length, 0, `no listener of edge${i + 1} was cut off`);
		assert.equal(
			edge.reduce((sum, l) => sum + l.missing, 0),
			0,
			`edge${i + 1}: no page missing`,
		);
	}
	assert.ok(
		listeners[1]!.every((l) => l.ended),
		"edge2's own listeners were cut off with it (the server died)",
	);
	assert.equal(
		listeners[1]!.reduce((sum, l) => sum + l.missing, 0),
		0,
		'and lost nothing before that',
	);

	for (const [i, capture] of decoded.entries()) {
		const { file: captured } = await capture.catch((error: Error) => ({ file: '', error }));
		if (i === 1) continue; // cut off by the kill
		const heard = await analyze(captured);
		assert.equal(heard.codec, 'opus');
		assert.deepEqual(heard.decodeErrors, [], `edge${i + 1}: a listener decodes cleanly`);
		assert.ok(Math.abs(heard.frequency - 440) < 5, `edge${i + 1}: the test signal`);
		assert.ok(heard.longestSilence < 0.1, `edge${i + 1}: no gap while edge2 was down (${heard.longestSilence} s)`);
	}
	assert.equal(await up.stop('SIGTERM'), 0);
});
