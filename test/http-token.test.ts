import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StatusSnapshot } from '@jdcast/core';
import { eventually, freePort, tempDir } from './helpers/env.js';
import { getWithHost, TOKEN, upWithHttp } from './helpers/http-up.js';
import { jdcastOnce, writeProfile } from './helpers/jdcast.js';

it('HTTP off loopback: refused without a token (exit 2); with one, 401 without it, Bearer and the login cookie work, Origin checked', async (t) => {
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'open',
		`input: { tone: {} }\nservers:\n  own: { embedded: true, port: ${await freePort()} }\nstreams:\n  - { mount: /open.opus, format: opus }\n`,
	);
	const refused = await jdcastOnce(['up', '--json', '--http', `0.0.0.0:${await freePort()}`, file], {
		JDCAST_HTTP_TOKEN: '',
	});
	assert.equal(refused.code, 2, refused.stderr);
	assert.match(refused.stderr, /^jdcast: the HTTP side on 0\.0\.0\.0 would be open to the network: give a token/m);
	assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
	const short = await jdcastOnce(['up', '--json', '--http', `0.0.0.0:${await freePort()}`, file], {
		JDCAST_HTTP_TOKEN: 'short',
	});
	assert.equal(short.code, 2);
	assert.match(short.stderr, /at least 16/);

	const { base, port } = await upWithHttp(t, { host: '0.0.0.0', token: true });
	const unauthorized = await fetch(`${base}/api/status`);
	assert.equal(unauthorized.status, 401);
	assert.equal(((await unauthorized.json()) as { error: { code: string } }).error.code, 'E_UNAUTHORIZED');
	for (const route of ['/metrics', '/healthz', '/api/events', '/app.js'])
		assert.equal((await fetch(`${base}${route}`)).status, 401, route);
	// Two wrong guesses at once: one is answered as wrong, the other slowed (one a second per client).
	const guess = (token: string) => fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${token}` } });
	const wrong = await Promise.all([guess('not-the-token-at-all'), guess('not-the-token-either')]);
	assert.deepEqual(wrong.map((w) => w.status).sort(), [401, 429]);
	// A right token is never slowed, though a wrong one came from the same address a moment ago.
	const bearer = await guess(TOKEN);
	assert.equal(bearer.status, 200);
	const page = await fetch(`${base}/`, { redirect: 'manual' });
	assert.equal(page.status, 303);
	assert.equal(page.headers.get('location'), '/login');

	// A wrong token at the login page: the page again, saying so (429 while the guesses above are
	// less than a second old: slowed tries do not make the wait longer).
	const badLogin = await eventually(async () => {
		const answer = await fetch(`${base}/login`, {
			method: 'POST',
			body: new URLSearchParams({ token: 'guess-guess-guess-guess' }),
			redirect: 'manual',
		});
		const text = await answer.text();
		assert.ok(answer.status === 401 || answer.status === 429, String(answer.status));
		return answer.status === 401 ? text : undefined;
	}, 'a wrong login answered as wrong');
	assert.match(badLogin, /<p class="problem">/);
	// Right after a wrong one, from the same address, a right token logs in.
	const login = await fetch(`${base}/login`, {
		method: 'POST',
		body: new URLSearchParams({ token: TOKEN }),
		redirect: 'manual',
	});
	assert.equal(login.status, 303);
	const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
	assert.match(login.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/);
	assert.ok(!cookie.includes(TOKEN), 'the cookie is not the token');
	assert.equal((await fetch(`${base}/`, { headers: { Cookie: cookie } })).status, 200);
	const origin = `http://127.0.0.1:${port}`;
	const stopForeign = await fetch(`${base}/api/profiles/web/stop`, {
		method: 'POST',
		headers: { Cookie: cookie, Origin: 'http://evil.example' },
	});
	assert.equal(stopForeign.status, 403);
	const stopOwn = await fetch(`${base}/api/profiles/web/stop`, {
		method: 'POST',
		headers: { Cookie: cookie, Origin: origin },
	});
	assert.equal(stopOwn.status, 200);
	assert.equal(((await stopOwn.json()) as { state: string }).state, 'stopped');
	// Nothing on air is not healthy, and a stopped profile says nothing about levels or listeners.
	const health = await fetch(`${base}/healthz`, { headers: { Cookie: cookie } });
	assert.equal(health.status, 503);
	assert.deepEqual(((await health.json()) as { problems: string[] }).problems, [
		'nothing is on air: every profile is stopped',
	]);
	const stopped = (
		(await (await fetch(`${base}/api/status`, { headers: { Cookie: cookie } })).json()) as StatusSnapshot
	).profiles[0]!;
	assert.equal(stopped.audio, null);
	assert.ok(stopped.outputs.every((o) => o.state === 'stopped' && o.kbps === 0 && o.listeners === null));
	// Any Host will do with a token: the token is what guards it.
	assert.equal(
		await getWithHost(`${base}/api/status`, `studio.example:${port}`, { Authorization: `Bearer ${TOKEN}` }),
		200,
	);
	assert.equal(await getWithHost(`${base}/api/status`, `studio.example:${port}`), 401);
});
