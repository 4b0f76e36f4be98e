import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import getPort from 'get-port';
import { startEmbeddedIcecast } from '../src/index.js';

it('something on the port that is not the icecast2 jdcast configured is never taken for it: refused in one sentence', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jd-embedded-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	// As root, icecast2 runs as nobody: the stand-in must be readable by it.
	chmodSync(dir, 0o755);
	const port = await getPort({ host: '127.0.0.1' });
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
