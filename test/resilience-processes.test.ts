import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { connectPorts } from '@jdcast/core/testing';
import { eventually, tempDir } from './helpers/env.js';
import { type JdcastEvent, runUp, type RunningJdcast, writeProfile } from './helpers/jdcast.js';
import { childrenOf, isAlive } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { upOneStream } from './helpers/scenario.js';
import { clientExists, connectionsOf, startIcecast, startJack, startSignal } from './helpers/services.js';

const EXPECTED = (client: string): [string, string][] =>
	[
		['jack_simple_client:output1', `${client}:input_1`],
		['jack_simple_client:output2', `${client}:input_2`],
		['system:capture_1', `${client}:input_2`],
	].sort() as [string, string][];

/** Waits until `client` has exactly the three connections of EXPECTED again; says what it had and what jdcast saw if not. */
async function connectionsRestored(
	jackName: string,
	up: RunningJdcast,
	client: string,
	timeoutMs: number,
): Promise<void> {
	await up
		.eventually(
			async () => JSON.stringify(await connectionsOf(jackName, client)) === JSON.stringify(EXPECTED(client)),
			'all three connections back',
			timeoutMs,
		)
		.catch(async (error: Error) => {
			const seen = up.events.filter((e) => e.event === 'jack' || e.event === 'log' || e.event === 'encoder');
			throw new Error(
				`${error.message}: have ${JSON.stringify(await connectionsOf(jackName, client))}; jdcast saw ${JSON.stringify(seen.slice(-12))}`,
			);
		});
}

/** One stream, its `connect` rule applied, and one more connection made by hand, seen by jdcast. */
async function withHandMadeConnection(t: TestContext, name: string) {
	const { jack, up, client } = await upOneStream(t, name);
	const first = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	await up
		.eventually(async () => (await connectionsOf(jack.name, client)).length === 2, 'the connect rule applied')
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}: have ${JSON.stringify(await connectionsOf(jack.name, client))}; jdcast saw ${JSON.stringify(up.events.filter((e) => e.event !== 'stats').slice(-12))}`,
			);
		});
	assert.ok(await connectPorts('system:capture_1', `${client}:input_2`, jack.name), 'a connection made by hand');
	await up.waitForEvent(
		(e) => e.event === 'jack' && Array.isArray(e.connections) && e.connections.length === 3,
		'jdcast to see it',
	);
	return { jack, up, first };
}

it('ffmpeg killed with SIGKILL: restarted under the same JACK name, every connection restored', async (t) => {
	const { jack, up, first } = await withHandMadeConnection(t, 'crash');

	process.kill(Number(first.pid), 'SIGKILL');
	const second = await up.waitForEvent(
		(e) => e.event === 'encoder' && e.running === true && e.pid !== first.pid,
		'a new ffmpeg',
	);
	assert.equal(second.restarts, 1);
	// The reason is what happened, not a guess: the JACK server still runs.
	const ended = up.events.find((e) => e.event === 'encoder' && e.running === false);
	assert.equal(ended?.reason, 'ffmpeg was ended by SIGKILL from outside jdcast');
	await connectionsRestored(jack.name, up, 'jd_crash', 10_000);
	const sent = () =>
		Number(up.events.filter((e) => e.event === 'stats' && e.mount === '/crash.opus').at(-1)?.bytesSent ?? 0);
	const before = sent();
	await up.eventually(() => sent() > before + 10_000, 'audio flowing again from the new ffmpeg');
	assert.equal(up.outputState('/crash.opus'), 'live');
});

it('jackd killed and started again: the stream resumes and connections are restored', async (t) => {
	const { jack, up, first } = await withHandMadeConnection(t, 'down');

	const from = up.events.length;
	await jack.kill();
	// Listeners hear nothing from now: the output says so at once, not once bytes have been missing a while (1.5 s).
	await up.waitForEvent(
		(e) => up.events.indexOf(e) >= from && e.event === 'output' && e.mount === '/down.opus' && e.state === 'stalled',
		'the output stalled once jackd died (said at once, not after 1.5 s without bytes; how soon is for the bench)',
		5000,
	);
	const ended = await up.waitForEvent((e) => e.event === 'encoder' && e.running === false, 'ffmpeg to notice');
	// jackd stays away until jdcast has seen it gone and, after ffmpeg ended, said the output stalled in a
	// stats line (one every 2 s): it waits for the server without it.
	await up.waitForEvent(
		(e) => up.events.indexOf(e) >= from && e.event === 'jack' && e.serverRunning === false,
		'jdcast to see the JACK server gone',
	);
	const stalled = (e: JdcastEvent) => e.event === 'stats' && e.mount === '/down.opus' && e.state === 'stalled';
	await up.waitForEvents(stalled, 1, 'stats line', { from: up.events.indexOf(ended) });
	await jack.restart();
	await startSignal(t, jack.name);
	await up.waitForEvent(
		(e) => e.event === 'encoder' && e.running === true && e.pid !== first.pid,
		'ffmpeg back',
		15_000,
	);
	await connectionsRestored(jack.name, up, 'jd_down', 20_000);
	await up.waitLive(['/down.opus']);
	const bytes = () =>
		Number(up.events.filter((e) => e.event === 'stats' && e.mount === '/down.opus').at(-1)?.bytesSent ?? 0);
	const before = bytes();
	await up.eventually(() => bytes() > before + 10_000, 'audio flowing again');
});

it('jdcast killed with SIGKILL: no ffmpeg of it and none of its JACK clients left after 2 s', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'kill9',
		`${jackInput('jd_kill9', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /kill9.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/kill9.opus']);
	await up.eventually(() => clientExists(jack.name, 'jd_kill9'), 'the JACK client');
	const children = childrenOf(up.child.pid!);
	assert.ok(
		children.some((p) => p.argv[0]?.endsWith('ffmpeg')),
		'ffmpeg runs',
	);

	up.child.kill('SIGKILL');
	await up.exited;
	// Within 2 s; the assertions below say what is left, if anything is.
	await eventually(
		async () =>
			children.every((p) => !isAlive(p.pid)) &&
			!(await clientExists(jack.name, 'jd_kill9')) &&
			!(await clientExists(jack.name, 'jack_evmon')),
		'every child and JACK client gone',
		2000,
	).catch(() => {});
	assert.deepEqual(
		children.filter((p) => isAlive(p.pid)).map((p) => p.argv.join(' ')),
		[],
		'every child process is gone',
	);
	assert.equal(await clientExists(jack.name, 'jd_kill9'), false, 'its JACK client is gone');
	assert.equal(await clientExists(jack.name, 'jack_evmon'), false, 'its JACK watcher is gone');
});

it('two profiles on one JACK server, jackd killed and started again: one graph watcher before and after, both back, and it tells both of a cable made by hand', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const names = ['anna', 'ben'];
	const files = names.map((name) =>
		writeProfile(
			dir,
			name,
			`${jackInput(`jd_${name}`, jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /${name}.opus, format: opus }\n`,
		),
	);
	const up = runUp(t, files, { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/anna.opus', '/ben.opus']);
	const watchers = () => childrenOf(up.child.pid!).filter((p) => p.argv[0]?.endsWith('jack_evmon') && isAlive(p.pid));
	assert.equal(watchers().length, 1, 'one jack_evmon for both profiles');
	const before = watchers()[0]!.pid;

	await jack.kill();
	await up.waitForEvent((e) => e.event === 'encoder' && e.running === false, 'ffmpeg to notice');
	await jack.restart();
	await startSignal(t, jack.name);
	const said = () =>
		JSON.stringify(
			up.events
				.filter((e) => e.event === 'jack' || e.event === 'log')
				.map((e) => [e.time, e.profile, e.message ?? e.connections]),
		);
	for (const name of names)
		await up
			.eventually(
				async () => (await connectionsOf(jack.name, `jd_${name}`)).length === 2,
				`jd_${name} connected again`,
				20_000,
			)
			.catch((error: Error) => {
				throw new Error(`${error.message}; jdcast said ${said()}`);
			});
	// The new one, not the old one lingering a moment (a watcher whose server died is replaced): a cable made
	// before the new one runs would be seen only by the 15 s safety poll.
	await up.eventually(
		() => watchers().length === 1 && watchers()[0]!.pid !== before,
		'one new jack_evmon again',
		10_000,
	);
	// jack_evmon says nothing when it is ready: a second for it to join the graph, then the cables.
	const seen = Date.now();
	await up.eventually(() => Date.now() - seen >= 1000, 'the new watcher a second old');
	// The watcher started again serves both profiles: each sees a cable made by hand to its client.
	for (const name of names) {
		assert.ok(await connectPorts('system:capture_1', `jd_${name}:input_2`, jack.name), `a cable to jd_${name}`);
		await up
			.waitForEvent(
				(e) => e.event === 'jack' && e.profile === name && Array.isArray(e.connections) && e.connections.length === 3,
				`${name} to see its cable`,
				// Well under the 15 s safety poll: the watcher told it, not the poll.
				3000,
			)
			.catch((error: Error) => {
				throw new Error(`${error.message}; jdcast said ${said()}`);
			});
	}
});

it('jdcast killed with SIGKILL while a silence.run command runs: the command ends with it', async (t) => {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const pidFile = path.join(dir, 'alarm.pid');
	// No cable to the client: silence, and after a second the command, which would run a minute.
	const file = writeProfile(
		dir,
		'quiet',
		`input:\n  jack: { client: jd_quiet, server: ${jack.name} }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /quiet.opus, format: opus }\nsilence:\n  threshold: -50\n  after: 1\n  run: ["sh", "-c", "echo $$ > ${pidFile}; exec sleep 60"]\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/quiet.opus']);
	const pid = Number(
		await up.eventually(() => {
			const text = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
			return text || undefined;
		}, 'the silence command running'),
	);
	t.after(() => {
		if (isAlive(pid)) process.kill(pid, 'SIGKILL');
	});
	assert.ok(isAlive(pid), 'the command runs');
	up.child.kill('SIGKILL');
	await up.exited;
	await eventually(() => !isAlive(pid), 'the command gone', 2000).catch(() => {});
	assert.equal(isAlive(pid), false, `the silence command (pid ${pid}) outlived jdcast`);
});
