import assert from 'node:assert/strict';
import http from 'node:http';
import { it } from 'node:test';
import type { StatusSnapshot } from '@jdcast/core';
import { eventually } from './helpers/env.js';
import { getWithHost, PASSWORD, upWithHttp } from './helpers/http-up.js';
import { icecastSources } from './helpers/icecast-status.js';
import { jdcastOnce } from './helpers/jdcast.js';
import { startIcecast } from './helpers/services.js';

it('HTTP: the control API, SSE, metrics and health on loopback; no password in any answer', async (t) => {
	const { up, base } = await upWithHttp(t);
	const seen: string[] = [];
	const get = async (route: string, init: RequestInit = {}) => {
		const response = await fetch(`${base}${route}`, init);
		const text = await response.text();
		seen.push(text);
		return { response, text };
	};

	const status = JSON.parse((await get('/api/status')).text) as StatusSnapshot;
	const viaSocket = await jdcastOnce(['status', '--json', '--socket', up.socket]);
	const socketStatus = JSON.parse(viaSocket.stdout) as StatusSnapshot;
	// The same JSON as the control socket: same shape all the way down (values move on between the two reads).
	const shape = (value: unknown): unknown =>
		Array.isArray(value)
			? value.map(shape)
			: value !== null && typeof value === 'object'
				? Object.fromEntries(
						Object.entries(value)
							.map(([k, v]) => [k, shape(v)])
							.sort(),
					)
				: value === null || typeof value === 'number'
					? 'number or null'
					: typeof value;
	assert.deepEqual(shape(status), shape(socketStatus));
	assert.equal(status.process.pid, socketStatus.process.pid);
	assert.deepEqual(
		status.profiles.map((p) => p.outputs.map((o) => o.state)),
		[['live', 'live']],
	);

	const page = await get('/');
	assert.equal(page.response.status, 200);
	assert.match(page.text, /<script type="module" src="\/app.js">/);
	assert.match(page.response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
	const js = await get('/app.js');
	assert.equal(js.response.status, 200);
	assert.ok(js.text.length > 10_000, 'the bundled dashboard');
	for (const asset of [page.text, js.text])
		assert.doesNotMatch(asset, /unpkg|jsdelivr|cdnjs|googleapis/, 'nothing fetched from a CDN');

	const health = await get('/healthz');
	assert.equal(health.response.status, 200, health.text);
	assert.deepEqual(JSON.parse(health.text), { ok: true, problems: [] });

	// Prometheus text: every line a comment or `name{labels} value`; jdcast's names present.
	const metrics = await get('/metrics');
	assert.match(metrics.response.headers.get('content-type') ?? '', /^text\/plain/);
	for (const line of metrics.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
		assert.match(
			line,
			/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|[+-]Inf|NaN)$/,
			`a Prometheus sample line: ${line}`,
		);
	}
	for (const name of [
		'jdcast_output_up',
		'jdcast_output_bytes_total',
		'jdcast_output_reconnects_total',
		'jdcast_output_listeners',
		'jdcast_encoder_restarts_total',
		'jdcast_input_peak_dbfs',
		'jdcast_input_lufs',
		'jdcast_input_silent',
		'process_cpu_seconds_total',
		'nodejs_heap_size_used_bytes',
	]) {
		assert.match(metrics.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
	}
	assert.match(metrics.text, /^jdcast_output_up\{profile="web",server="main",mount="\/web.opus"\} 1$/m);
	assert.match(
		metrics.text,
		/^jdcast_input_lufs\{profile="web",window="momentary"\} -1[5-9](\.\d)?$/m,
		'a -18 dBFS sine reads about -18 LUFS',
	);
	assert.match(metrics.text, /^jdcast_input_silent\{profile="web"\} 0$/m);

	// Server-Sent Events: the status first, then jdcast's events (levels come 10 a second).
	const controller = new AbortController();
	const events = await fetch(`${base}/api/events`, { signal: controller.signal });
	assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
	const reader = events.body!.getReader();
	let text = '';
	await eventually(
		async () => {
			const { value } = await reader.read();
			text += new TextDecoder().decode(value);
			return text.includes('"event":"level"') && text.includes('"event":"stats"');
		},
		'level and stats events',
		10_000,
	);
	controller.abort();
	seen.push(text);
	const first = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { event: string };
	assert.equal(first.event, 'status');
	for (const line of text.split('\n').filter((l) => l.startsWith('data: '))) JSON.parse(line.slice(6));

	// The same API: metadata, stop, start, errors with codes.
	const post = (route: string, body?: unknown) =>
		get(route, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
	const meta = await post('/api/metadata', { target: 'web', title: 'Over HTTP', artist: 'Tester' });
	assert.equal(meta.response.status, 200, meta.text);
	assert.equal((JSON.parse(meta.text) as { results: { ok: boolean }[] }).results.length, 2);
	const unknown = await post('/api/profiles/nope/stop');
	assert.equal(unknown.response.status, 404);
	assert.equal((JSON.parse(unknown.text) as { error: { code: string } }).error.code, 'E_UNKNOWN_PROFILE');
	const bad = await post('/api/metadata', { target: 'web', title: 7 });
	assert.equal(bad.response.status, 400);
	const reload = await post('/api/reload');
	assert.equal(reload.response.status, 200, reload.text);
	const listeners = await get('/api/listeners');
	assert.equal((JSON.parse(listeners.text) as { mounts: unknown[] }).mounts.length, 2);
	const health2 = await jdcastOnce(['health', '--socket', up.socket]);
	assert.equal(health2.code, 0, health2.stdout + health2.stderr);
	assert.match(health2.stdout, /^ok: /);

	// A page of another site may not change anything (CSRF), and a rebound host name is refused.
	const foreign = await post('/api/profiles/web/stop', undefined);
	assert.equal(foreign.response.status, 200, 'a program without Origin may');
	await post('/api/profiles/web/start');
	const csrf = await get('/api/profiles/web/stop', { method: 'POST', headers: { Origin: 'http://evil.example' } });
	assert.equal(csrf.response.status, 403);
	assert.equal((JSON.parse(csrf.text) as { error: { code: string } }).error.code, 'E_ORIGIN');
	assert.equal(await getWithHost(`${base}/api/status`, `evil.example:${new URL(base).port}`), 403);
	assert.equal(await getWithHost(`${base}/api/status`, `localhost:${new URL(base).port}`), 200);

	// Behind a proxy without a token every request would look local: refused.
	const proxied = await get('/api/status', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
	assert.equal(proxied.response.status, 403);
	assert.equal((JSON.parse(proxied.text) as { error: { code: string } }).error.code, 'E_PROXY');
	// HEAD, as uptime monitors ask.
	const head = await fetch(`${base}/api/status`, { method: 'HEAD' });
	assert.equal(head.status, 200);
	assert.equal(await head.text(), '');
	// A title whose bytes arrive in two pieces, split inside a character, arrives whole.
	const title = 'Café Motörhead — Ω';
	const body = Buffer.from(JSON.stringify({ target: 'web', title }));
	const cut = body.indexOf(Buffer.from('é')) + 1;
	await new Promise<void>((resolve, reject) => {
		const request = http.request(
			`${base}/api/metadata`,
			{ method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
			(response) => {
				response.resume();
				response.on('end', resolve);
			},
		);
		request.on('error', reject);
		request.write(body.subarray(0, cut));
		setTimeout(() => request.end(body.subarray(cut)), 50);
	});
	const after = JSON.parse((await get('/api/status')).text) as StatusSnapshot;
	assert.equal(after.profiles[0]!.outputs[0]!.nowPlaying, title);

	for (const body of seen) assert.ok(!body.includes(PASSWORD), 'no source password in any answer');
	assert.ok(!up.stderr().includes(PASSWORD) && !JSON.stringify(up.events).includes(PASSWORD), 'nor in the log');
});

it('HTTP: /healthz turns 503 within 5 s of Icecast being killed, and 200 when it is back; jdcast health agrees', async (t) => {
	const { up, icecast, icecastPort, base } = await upWithHttp(t);
	assert.equal((await fetch(`${base}/healthz`)).status, 200);
	await icecast.kill();
	const killedAt = Date.now();
	const problems = await eventually(
		async () => {
			const response = await fetch(`${base}/healthz`);
			return response.status === 503 ? ((await response.json()) as { ok: boolean; problems: string[] }) : undefined;
		},
		'503 from /healthz',
		5000,
	);
	t.diagnostic(`503 after ${Date.now() - killedAt} ms: ${problems.problems.join(' | ')}`);
	assert.equal(problems.ok, false);
	assert.ok(
		problems.problems.some((p) => /^profile web: \/web\.(opus|mp3) on main is (retrying|connecting|stalled)/.test(p)),
		problems.problems.join('\n'),
	);
	const cli = await jdcastOnce(['health', '--socket', up.socket]);
	assert.equal(cli.code, 1);
	assert.match(cli.stdout, /profile web: \/web\.(opus|mp3) on main is/);

	await startIcecast(t, { port: icecastPort, sourcePassword: PASSWORD });
	await eventually(
		async () => (await fetch(`${base}/healthz`)).status === 200,
		'200 again once Icecast is back',
		30_000,
	);
	assert.equal((await jdcastOnce(['health', '--socket', up.socket])).code, 0);
	await eventually(async () => (await icecastSources(icecastPort)).has('/web.mp3'), 'the mount back on the server');
});
