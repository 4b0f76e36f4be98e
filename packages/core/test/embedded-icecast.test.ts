import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import getPort from 'get-port';
import { loadProfileObject, type Profile, startEmbeddedIcecast } from '../src/index.js';
import { EmbeddedServers } from '../src/orchestrator/embedded-servers.js';
import { accepts } from '../src/util/ports.js';

it('something on the port that is not the icecast2 jdcast configured is never taken for it: refused in one sentence', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jd-embedded-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	// As root, icecast2 runs as nobody: the stand-in must be readable by it.
	chmodSync(dir, 0o755);
	const port = await serverPort();
	// What the race looks like from jdcast: the port was free, and then something else answers on it.
	const impostor = path.join(dir, 'icecast2');
	writeFileSync(impostor, `#!/bin/sh\nexec python3 -m http.server ${port} --bind 127.0.0.1\n`);
	chmodSync(impostor, 0o755);
	const started = performance.now();
	const attempt = startEmbeddedIcecast({ port, command: impostor });
	// Taken for icecast2 (the fault this test is for): ended all the same.
	attempt.then(
		(server) => server.kill(),
		() => {},
	);
	await assert.rejects(attempt, (error: Error & { code?: string }) => {
		assert.equal(error.code, 'E_ICECAST_EMBEDDED');
		assert.match(
			error.message,
			new RegExp(
				`^port ${port} on 127\\.0\\.0\\.1 answers, but not as the icecast2 jdcast configured \\(a TLS certificate it cannot use\\? another program\\?\\); its log: /.+/error\\.log$`,
			),
		);
		return true;
	});
	assert.ok(performance.now() - started < 15_000);
});

it('an embedded icecast2 that ends by itself is said, with how it ended, and started again on its port; a stop is no such news', {
	timeout: 20_000,
}, async (t) => {
	const port = await serverPort();
	const profile = ownProfile(port);
	const said: string[] = [];
	let heard: () => void = () => {};
	const servers = new EmbeddedServers({}, (level, message) => {
		said.push(`${level}: ${message}`);
		if (message.includes('runs again')) heard();
	});
	t.after(() => servers.stop());
	await servers.start([profile]);
	const first = servers.get(port);
	assert.ok(first && first.pid > 0, 'the server runs');
	const before = first.pid;
	const again = new Promise<void>((resolve) => (heard = resolve));
	process.kill(before, 'SIGKILL');
	await again;
	assert.match(
		said[0] ?? '',
		new RegExp(`^warning: embedded icecast2 on port ${port} stopped by itself \\(killed by SIGKILL`),
	);
	assert.equal(said[1], `info: embedded icecast2 on port ${port} runs again`);
	assert.notEqual(servers.get(port)?.pid, before, 'a new process');
	assert.ok(await accepts({ host: '127.0.0.1', port }), 'the port answers again');

	await servers.stop();
	assert.equal(said.length, 2, `a stop is not news: ${said.join(' | ')}`);
	assert.equal(await accepts({ host: '127.0.0.1', port }), false, 'stopped for good');
});

it('an embedded icecast2 that keeps ending by itself is given up after 5 restarts in 5 minutes, said with its log; the next start makes one with the same passwords', {
	timeout: 60_000,
}, async (t) => {
	const port = await serverPort();
	const profile = ownProfile(port);
	const said: string[] = [];
	let heard: (message: string) => void = () => {};
	const servers = new EmbeddedServers({}, (_level, message) => {
		said.push(message);
		heard(message);
	});
	t.after(() => servers.stop());
	await servers.start([profile]);
	const password = servers.get(port)!.sourcePassword.reveal();
	const dir = servers.get(port)!.dir;
	for (let crash = 1; crash <= 6; crash++) {
		const next = new Promise<string>((resolve) => {
			heard = (message) =>
				(message.includes('runs again') || message.includes('not started again')) && resolve(message);
		});
		process.kill(servers.get(port)!.pid, 'SIGKILL');
		const message = await next;
		if (crash <= 5) assert.match(message, /runs again/, `crash ${crash}: started again`);
		else
			assert.match(
				message,
				new RegExp(
					`^embedded icecast2 on port ${port} stopped by itself 6 times in 5 minutes \\(last: killed by SIGKILL.*\\): not started again; its log: .*/log/error\\.log$`,
				),
			);
	}
	assert.equal(servers.get(port), undefined, 'out of the pool');
	assert.equal(await accepts({ host: '127.0.0.1', port }), false);
	assert.match(servers.credentialsFor(profile).embeddedFailures.get('own') ?? '', /not started again/);

	await servers.start([profile]);
	assert.equal(servers.get(port)?.sourcePassword.reveal(), password, 'the profiles running keep their password');
	await servers.stop();
	assert.equal(existsSync(dir), false, 'the given-up server’s folder (it holds passwords) is removed at the stop');
});

/** A tone profile on an embedded server of its own on `port`. */
function ownProfile(port: number): Profile {
	const { profile } = loadProfileObject({
		name: 'own',
		input: { tone: {} },
		servers: { own: { embedded: true, port } },
		streams: [{ mount: '/own.opus', format: 'opus' }],
	});
	assert.ok(profile);
	return profile;
}

/** A free port below Linux's ephemeral range: no connection's local end can take it before icecast2 binds it. */
function serverPort(): Promise<number> {
	return getPort({
		host: '127.0.0.1',
		port: Array.from({ length: 500 }, () => 20000 + Math.floor(Math.random() * 10000)),
	});
}
