import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { freePort, tempDir } from './env.js';
import { runJdcast, writeProfile } from './jdcast.js';
import { serverEntry } from './profile.js';
import { startIcecast } from './services.js';

export const PASSWORD = 'hackme-7f3a9c-source';
export const TOKEN = 'test-token-0123456789abcdef';

/** A GET with any Host header (fetch may not set one), as a DNS-rebinding page's request arrives. */
export function getWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers: { ...headers, Host: host } }, (response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			})
			.on('error', reject);
	});
}

/** jdcast up --http on a tone, an Opus and an MP3 mount on a real icecast2 whose password the test knows. */
export async function upWithHttp(
	t: TestContext,
	options: { host?: string; token?: boolean; icecastPort?: number } = {},
) {
	const icecastPort = options.icecastPort ?? (await freePort());
	const icecast = await startIcecast(t, { port: icecastPort, sourcePassword: PASSWORD });
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'web',
		`name: web\ninput: { tone: { frequency: 440, level: -18 } }\nservers:\n${serverEntry('main', icecastPort)}streams:\n  - { mount: /web.opus, format: opus }\n  - { mount: /web.mp3, format: mp3 }\n`,
	);
	const port = await freePort();
	const tokenFile = path.join(dir, 'token');
	writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
	const host = options.host ?? '127.0.0.1';
	const up = runJdcast(
		t,
		['up', '--json', '--http', `${host}:${port}`, ...(options.token ? ['--http-token-file', tokenFile] : []), file],
		{ JD_TEST_PW: PASSWORD },
	);
	await up.waitLive(['/web.opus', '/web.mp3']);
	return { up, icecast, icecastPort, base: `http://127.0.0.1:${port}`, port, file, dir };
}
