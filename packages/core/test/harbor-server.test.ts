import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { it, type TestContext } from 'node:test';
import { Dechunker } from '../src/harbor/chunked.js';
import { ask, basic } from './harbor-client.js';
import { sniffDemuxer } from '../src/harbor/decoder.js';
import { parseHead } from '../src/harbor/request.js';
import { HarborServer } from '../src/harbor/server.js';
import type { HarborSource } from '../src/harbor/source.js';
import { Secret } from '../src/profile/secret.js';
import type { Clock } from '../src/util/clock.js';

/** A clock whose time and timers move only when the test says (the sockets stay real). */
function handClock() {
	let now = 0;
	const intervals = new Set<() => void>();
	const timeouts = new Map<object, { at: number; run: () => void }>();
	const clock: Clock = {
		monotonic: () => now,
		wall: () => now,
		setTimeout: (run, ms) => {
			const timer = { run };
			timeouts.set(timer, { at: now + ms, run });
			return timer as unknown as NodeJS.Timeout;
		},
		clearTimeout: (timer) => {
			if (timer) timeouts.delete(timer);
		},
		setInterval: (run) => {
			intervals.add(run);
			return { run } as unknown as NodeJS.Timeout;
		},
		clearInterval: (timer) => {
			if (timer) intervals.delete((timer as unknown as { run: () => void }).run);
		},
	};
	return {
		clock,
		advance(ms: number) {
			for (let step = 0; step < ms; step += 250) {
				now += 250;
				for (const run of [...intervals]) run();
				for (const [timer, { at, run }] of [...timeouts])
					if (at <= now) {
						timeouts.delete(timer);
						run();
					}
			}
		},
	};
}

async function harbor(t: TestContext, options: { takeover?: boolean; clock?: Clock; maxKbps?: number } = {}) {
	const server = new HarborServer({
		host: '127.0.0.1',
		port: 0,
		mount: '/dj',
		users: new Map([
			['source', new Secret('shared-pw')],
			['anna', new Secret('anna-pw')],
		]),
		takeover: options.takeover ?? false,
		maxKbps: options.maxKbps ?? 2000,
		...(options.clock ? { clock: options.clock } : {}),
	});
	await server.listen();
	t.after(() => server.close());
	const sources: HarborSource[] = [];
	const refused: string[] = [];
	const titles: string[] = [];
	server.on('source', (s) => sources.push(s));
	server.on('refused', (r) => refused.push(`${r.status} ${r.reason}`));
	server.on('metadata', (m) => titles.push(`${m.user}: ${m.song}`));
	return { server, sources, refused, titles };
}

/** Resolves once `test` holds (the sockets are real: their bytes take turns of the event loop). */
async function until(test: () => boolean): Promise<void> {
	while (!test()) await new Promise((r) => setTimeout(r, 5));
}

const put = (auth: string, extra = '') =>
	`PUT /dj HTTP/1.1\r\nHost: x\r\nUser-Agent: butt 0.1.40\r\nContent-Type: audio/mpeg\r\nice-name: Late Show\r\nExpect: 100-continue\r\nAuthorization: ${auth}\r\n${extra}\r\n`;

it('harbor protocol: PUT with Expect gets 100 and 200 in one answer, SOURCE gets 200; who, from where and with what is kept; body bytes sent with the head are not lost', async (t) => {
	const { server, sources } = await harbor(t);
	const a = await ask(server.port, put(basic('anna', 'anna-pw')));
	assert.match(a.answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.0 200 OK\r\n/);
	assert.equal(sources[0]?.info.user, 'anna');
	assert.equal(sources[0]?.info.userAgent, 'butt 0.1.40');
	assert.equal(sources[0]?.info.contentType, 'audio/mpeg');
	assert.equal(sources[0]?.info.name, 'Late Show');
	a.socket.destroy();
	await new Promise((r) => sources[0]!.onEnd(r));
	const got: Buffer[] = [];
	const b = await ask(
		server.port,
		`SOURCE /dj ICE/1.0\r\nAuthorization: ${basic('source', 'shared-pw')}\r\n\r\n`,
		Buffer.from('OggS-first-bytes'),
	);
	sources[1]!.body.on('data', (chunk: Buffer) => got.push(chunk));
	await until(() => Buffer.concat(got).length >= 16);
	assert.match(b.answer, /^HTTP\/1\.0 200 OK\r\n/);
	assert.equal(Buffer.concat(got).toString(), 'OggS-first-bytes');
	b.socket.destroy();
});

it('harbor protocol: a wrong password is 401 (another within a second from that address, a second later; never a 100 first), no credentials is 401 without counting as a refusal, a wrong mount 404, another method 405, a huge head 431', async (t) => {
	const hand = handClock();
	const { server, sources, refused } = await harbor(t, { clock: hand.clock });
	const wrong = await ask(server.port, put(basic('anna', 'nope')));
	assert.match(wrong.answer, /^HTTP\/1\.0 401 /);
	assert.doesNotMatch(wrong.answer, /100 Continue/);
	assert.match(wrong.answer, /WWW-Authenticate: Basic/);
	let answered = false;
	const again = ask(server.port, put(basic('anna', 'nope'))).then((a) => {
		answered = true;
		return a;
	});
	// The hand clock moves in steps, the sockets in real time between them: the answer waits a second of it.
	let waited = 0;
	while (!answered && waited < 10_000) {
		await new Promise((r) => setTimeout(r, 10));
		hand.advance(250);
		waited += 250;
	}
	assert.ok(waited >= 1000, `held for a second: answered after ${waited} ms`);
	assert.match((await again).answer, /^HTTP\/1\.0 401 /);
	const challenge = await ask(server.port, 'SOURCE /dj HTTP/1.0\r\nContent-Length: 0\r\n\r\n');
	assert.match(challenge.answer, /^HTTP\/1\.0 401 /);
	assert.match(
		(await ask(server.port, put(basic('anna', 'anna-pw')).replace('/dj', '/other'))).answer,
		/^HTTP\/1\.0 404 /,
	);
	assert.match((await ask(server.port, 'OPTIONS * HTTP/1.1\r\n\r\n')).answer, /^HTTP\/1\.0 (400|405) /);
	assert.match(
		(await ask(server.port, `PUT /dj HTTP/1.1\r\nX: ${'a'.repeat(9000)}\r\n\r\n`)).answer,
		/^HTTP\/1\.0 431 /,
	);
	assert.equal(sources.length, 0);
	assert.equal(refused.length, 5, refused.join('; '));
	assert.ok(
		refused.every((r) => !r.includes('pw')),
		'no password in a refusal',
	);
});

it('harbor limits: an answered request is closed even if the client keeps its side open; half-sent requests make room for a real DJ', async (t) => {
	const { server, sources } = await harbor(t);
	const challenge = await ask(server.port, 'SOURCE /dj HTTP/1.0\r\nContent-Length: 0\r\n\r\n');
	assert.match(challenge.answer, /^HTTP\/1\.0 401 /);
	await new Promise((resolve) =>
		challenge.socket.destroyed ? resolve(null) : challenge.socket.once('close', resolve),
	);
	// Four connections from this address that never finish their request (the per-address limit).
	const stalled = await Promise.all(
		Array.from({ length: 4 }, async () => {
			const socket = connect(server.port, '127.0.0.1');
			socket.on('error', () => {});
			await new Promise((r) => socket.once('connect', r));
			socket.write('PUT /dj HTTP/1.1\r\nHost: x\r\n');
			return socket;
		}),
	);
	await until(() => server.connections === 4);
	const dj = await ask(server.port, put(basic('anna', 'anna-pw')));
	assert.match(dj.answer, /200 OK/, 'the DJ is let in');
	assert.equal(sources.length, 1);
	await until(() => stalled.some((s) => s.destroyed || s.readableEnded));
	for (const s of stalled) s.destroy();
	dj.socket.destroy();
});

it('harbor protocol: a second DJ is refused with 403 "Mountpoint in use", or takes over with takeover: true', async (t) => {
	const first = await harbor(t);
	const anna = await ask(first.server.port, put(basic('anna', 'anna-pw')));
	const ben = await ask(first.server.port, put(basic('source', 'shared-pw')));
	assert.match(ben.answer, /^HTTP\/1\.0 403 [^\r]*\r\n[\s\S]*\r\n\r\nMountpoint in use/);
	assert.equal(first.sources.length, 1);
	anna.socket.destroy();

	const second = await harbor(t, { takeover: true });
	const one = await ask(second.server.port, put(basic('anna', 'anna-pw')));
	const two = await ask(second.server.port, put(basic('source', 'shared-pw')));
	assert.match(two.answer, /200 OK/);
	assert.equal(second.sources[0]?.endedFor, 'taken over by source from 127.0.0.1');
	assert.equal(second.server.current, second.sources[1]);
	one.socket.destroy();
	two.socket.destroy();
});

it("harbor protocol: titles from the DJ on air only (song=, artist= and title=, ISO-8859-1, an empty one ignored), Shoutcast's admin.cgi with pass=", async (t) => {
	const { server, titles, refused } = await harbor(t);
	const meta = (query: string, auth = basic('anna', 'anna-pw')) =>
		ask(server.port, `GET /admin/metadata?${query} HTTP/1.0\r\nAuthorization: ${auth}\r\n\r\n`);
	const none = await meta('mode=updinfo&mount=/dj&song=Early');
	assert.match(none.answer, /<return>0<\/return>/, 'nobody on air');
	const anna = await ask(server.port, put(basic('anna', 'anna-pw')));
	const ok = await meta('mode=updinfo&mount=%2fdj&song=Anna%20-%20First%20Light');
	assert.match(ok.answer, /^HTTP\/1\.0 200 OK[\s\S]*<return>1<\/return>/);
	await meta('mode=updinfo&mount=/dj&charset=UTF%2d8&artist=Bj%C3%B6rk&title=J%C3%B3ga');
	await meta('mode=updinfo&mount=/dj&charset=ISO-8859-1&song=Caf%E9');
	await meta('mode=updinfo&mount=/dj&song=');
	const stranger = await meta('mode=updinfo&mount=/dj&song=Hijack', basic('source', 'shared-pw'));
	assert.match(stranger.answer, /<return>0<\/return>/);
	await ask(server.port, 'GET /admin.cgi?mode=updinfo&pass=anna-pw&song=Via%20admin.cgi HTTP/1.0\r\n\r\n');
	assert.deepEqual(titles, ['anna: Anna - First Light', 'anna: Björk - Jóga', 'anna: Café', 'anna: Via admin.cgi']);
	assert.ok(refused.some((r) => r.includes('anna is on air, not source')));
	anna.socket.destroy();
});

it('harbor limits: a DJ who sends nothing for 5 s, one who stops for 3 s and one who sends over max_kbps are cut, each with its reason', async (t) => {
	const hand = handClock();
	const { server, sources } = await harbor(t, { clock: hand.clock, maxKbps: 64 });
	const silent = await ask(server.port, put(basic('anna', 'anna-pw')));
	hand.advance(4750);
	assert.equal(sources[0]!.endedFor, null);
	hand.advance(250);
	assert.equal(sources[0]!.endedFor, 'sent no audio within 5 s');
	silent.socket.destroy();

	const stalling = await ask(server.port, put(basic('anna', 'anna-pw')), Buffer.alloc(100));
	await until(() => sources[1]?.bytes === 100);
	hand.advance(3000);
	assert.equal(sources[1]!.endedFor, 'stalled: no bytes for 3 s');
	stalling.socket.destroy();

	const flood = await ask(server.port, put(basic('anna', 'anna-pw')), Buffer.alloc(64_000));
	await until(() => sources[2]?.bytes === 64_000);
	hand.advance(250);
	assert.equal(sources[2]!.endedFor, 'sent more than 64 kbps (input.harbor.max_kbps)');
	flood.socket.destroy();
});

it('harbor protocol: request heads, chunked bodies, and formats told from their first bytes', async () => {
	const head = parseHead('PUT /d%20j?x=1 HTTP/1.1\r\nIce-Name: A\r\nice-name: B\r\n');
	assert.ok(typeof head !== 'string');
	assert.equal(head.path, '/d j');
	assert.equal(head.headers.get('ice-name'), 'A, B');
	assert.equal(typeof parseHead('GARBAGE'), 'string');
	assert.equal(typeof parseHead('GET /%zz HTTP/1.1\r\n'), 'string');

	const chunks: Buffer[] = [];
	const dechunk = new Dechunker();
	dechunk.on('data', (b: Buffer) => chunks.push(b));
	// Split anywhere, even inside a size line and a CRLF.
	for (const piece of ['5\r', '\nhel', 'lo\r\n3;ext=1\r\n wo\r', '\n0\r\n\r\n', 'ignored']) dechunk.write(piece);
	assert.equal(Buffer.concat(chunks).toString(), 'hello wo');

	assert.equal(sniffDemuxer(Buffer.from('OggS\0\x02')), 'ogg');
	assert.equal(sniffDemuxer(Buffer.from('ID3\x04')), 'mp3');
	assert.equal(sniffDemuxer(Buffer.from([0xff, 0xfb, 0x90, 0x64])), 'mp3');
	assert.equal(sniffDemuxer(Buffer.from([0xff, 0xf1, 0x50, 0x80])), 'aac');
	assert.equal(sniffDemuxer(Buffer.from('fLaC')), 'flac');
	assert.equal(sniffDemuxer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), 'matroska');
	assert.equal(sniffDemuxer(Buffer.from('RIFF')), null);
});
