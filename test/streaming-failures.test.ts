import net from 'node:net';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { freePort, tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { startIcecast, startJack, startSignal } from './helpers/services.js';

it('late start of the server: the mount goes live once icecast2 runs', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const port = await freePort();
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'late',
		`${jackInput('jd_late', jack.name)}servers:\n${serverEntry('main', port)}streams:\n  - { mount: /late.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: 'late-password' });
	// The server comes late: after three refused attempts, with the output retrying all along.
	await up.waitForEvents((e) => e.event === 'retry' && e.code === 'E_ICECAST_REFUSED', 3, 'refused attempt');
	assert.equal(up.outputState('/late.opus'), 'retrying');
	await startIcecast(t, { port, sourcePassword: 'late-password' });
	await up.waitLive(['/late.opus'], 10_000);
});

it('wrong password: that output fails naming user, host and mount; the others stay live', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const good = await startIcecast(t, { sourcePassword: 'right-one' });
	const bad = await startIcecast(t, { sourcePassword: 'another-one' });
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'pw',
		`${jackInput('jd_pw', jack.name)}servers:\n${serverEntry('good', good.port)}${serverEntry('bad', bad.port)}streams:\n  - { mount: /pw.opus, format: opus }\n  - { mount: /pw.mp3, format: mp3, servers: [good] }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: 'right-one' });
	const failed = await up.waitForEvent(
		(e) => e.event === 'output' && e.server === 'bad' && e.state === 'failed',
		'the bad output to fail',
	);
	assert.equal(
		failed.error,
		`wrong credentials: 127.0.0.1:${bad.port}/pw.opus refused user "source" (401); check the source password`,
	);
	assert.equal(up.events.filter((e) => e.event === 'retry' && e.server === 'bad').length, 0, 'no retry after 401');
	await up.waitLive(['/pw.mp3']);
	assert.equal(up.outputState('/pw.opus', 'good'), 'live');
	// Two stats lines of each good output from now on (one every 2 s): live in both, bytes growing.
	const from = up.events.length;
	for (const mount of ['/pw.opus', '/pw.mp3']) {
		const stats = await up.waitForEvents(
			(e) => e.event === 'stats' && e.server === 'good' && e.mount === mount,
			2,
			`stats line of ${mount}`,
			{ from },
		);
		assert.deepEqual(
			stats.map((s) => s.state),
			['live', 'live'],
			`${mount} stays live on the good server`,
		);
		assert.ok(
			Number(stats[1]!.bytesSent) > Number(stats[0]!.bytesSent),
			`bytes keep flowing to the good server: ${stats.map((s) => s.bytesSent).join(', ')}`,
		);
	}
	assert.equal(up.outputState('/pw.opus', 'good'), 'live');
	assert.equal(up.outputState('/pw.mp3', 'good'), 'live');
});

it('an embedded server on a port another program listens on: its outputs fail saying so, and nothing is sent to that program', async (t) => {
	const port = await freePort();
	let connections = 0;
	const squatter = net.createServer((socket) => {
		connections++;
		socket.destroy();
	});
	await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
	t.after(() => squatter.close());
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'squat',
		`input: { tone: {} }\nsilence: false\nservers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /squat.opus, format: opus }\n`,
	);
	const up = runUp(t, [file]);
	const failed = await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === '/squat.opus' && e.state === 'failed',
		'the output to fail',
	);
	assert.equal(failed.code, 'E_ICECAST_EMBEDDED');
	assert.match(String(failed.error), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use by another program`));
	// The one look that found it taken; no source connection after it.
	assert.ok(connections <= 1, `${connections} connections to the other program`);
});
