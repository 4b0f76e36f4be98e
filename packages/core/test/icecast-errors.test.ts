import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fromStatus } from '../src/icecast/errors.js';

it('a hostile server answers with escape sequences and markup: the error says what it said, without either', () => {
	const body = '<html><body><b>\u001b]0;owned\u0007\u001b[2J\u001b[31mGo away</b>\r\n\u009b1m</body></html>';
	const error = fromStatus(500, body, { host: 'radio.example', port: 8000, mount: '/live.opus', user: 'source' });
	assert.equal(error.code, 'E_ICECAST_HTTP');
	assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f]/);
	assert.match(error.message, /^radio\.example:8000\/live\.opus answered 500: .*Go away/);
});

it('a careless user points tls_ca at a FIFO, a folder, a missing file or a key: one sentence naming the key and the file', async () => {
	const { trustedCa } = await import('../src/icecast/tls-ca.js');
	const { execFileSync } = await import('node:child_process');
	const { mkdtempSync, writeFileSync } = await import('node:fs');
	const { tmpdir } = await import('node:os');
	const path = await import('node:path');
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-ca-'));
	const fifo = path.join(dir, 'fifo');
	execFileSync('mkfifo', [fifo]);
	const key = path.join(dir, 'server.key');
	writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
	for (const [file, why] of [
		[fifo, 'is not a regular file'],
		[dir, 'is not a regular file'],
		[path.join(dir, 'nope.pem'), 'cannot be read (ENOENT)'],
		[key, 'holds no PEM certificate'],
	] as const) {
		await assert.rejects(
			trustedCa({ name: 'station', tlsCa: file }),
			(error: Error & { code?: string }) =>
				error.code === 'E_ICECAST_TLS' && error.message.startsWith(`servers.station.tls_ca: ${file} ${why}`),
		);
	}
	assert.equal(await trustedCa({ name: 'station' }), undefined);
});
