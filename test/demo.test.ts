import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { it } from 'node:test';
import { readGraph } from '@jdcast/core/testing';
import { freePort, tempDir } from './helpers/env.js';
import { runJdcast } from './helpers/jdcast.js';
import { analyze, capture } from './helpers/listener.js';
import { SIGNAL_LEFT_HZ } from './helpers/services.js';

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port }, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

it('jdcast demo: its own JACK server, Icecast and test signal; four formats on air; Ctrl-C leaves nothing', async (t) => {
	const port = await freePort();
	const dir = tempDir(t);
	const demo = runJdcast(t, ['demo', '--json', '--port', String(port)], { JACK_DEFAULT_SERVER: '' });
	await demo.waitLive(['/demo.opus', '/demo.ogg', '/demo.flac', '/demo.mp3'], 30_000);
	assert.match(demo.stderr(), new RegExp(`http://127\\.0\\.0\\.1:${port}/demo\\.opus`), 'the listen URLs are printed');
	await new Promise((r) => setTimeout(r, 1500));
	const { file } = await capture(`http://127.0.0.1:${port}/demo.opus`, 3, path.join(dir, 'demo.opus'));
	const report = await analyze(file);
	assert.equal(report.codec, 'opus');
	assert.ok(
		Math.abs(report.frequency - SIGNAL_LEFT_HZ) < 5,
		`the demo plays the test signal (${report.frequency.toFixed(1)} Hz)`,
	);

	assert.equal(await demo.stop('SIGINT'), 0);
	assert.equal(await accepts(port), false, 'the private Icecast is gone');
	assert.equal(await readGraph('jdcast-demo'), undefined, 'the demo JACK server is gone');
});
