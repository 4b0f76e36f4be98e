import assert from 'node:assert/strict';
import type http from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { HttpAuth } from '../src/http/auth.js';
import { Secret } from '../src/profile/secret.js';

const TOKEN = 'right-token-0123456789abcdef';

/** A request as HttpAuth sees it: headers and the address it came from. */
function request(headers: http.IncomingHttpHeaders, remoteAddress = '127.0.0.1'): http.IncomingMessage {
	return {
		headers: { host: '127.0.0.1:8080', ...headers },
		socket: { remoteAddress },
	} as unknown as http.IncomingMessage;
}
const bearer = (token: string, remoteAddress?: string, headers: http.IncomingHttpHeaders = {}) =>
	request({ authorization: `Bearer ${token}`, ...headers }, remoteAddress);

/** Mock time from 0: `t.mock.timers.tick` moves Date.now(). */
function mockTime(t: TestContext): void {
	t.mock.timers.enable({ apis: ['Date'], now: 0 });
}

describe('tokens: only wrong ones are slowed', () => {
	it('a wrong token from an address never makes a right one from it wait (one proxy, many clients)', (t) => {
		mockTime(t);
		const auth = new HttpAuth(new Secret(TOKEN));
		// The red team's case: a wrong Bearer every 0.5 s beside 20 right scrapes, all from 127.0.0.1.
		const verdicts: string[] = [];
		for (let i = 0; i < 20; i++) {
			auth.check(bearer('wrong-token-wrong-token'));
			verdicts.push(auth.check(bearer(TOKEN)));
			verdicts.push(auth.tryToken(request({}), TOKEN));
			t.mock.timers.tick(250);
		}
		assert.deepEqual(new Set(verdicts), new Set(['ok']));
	});

	it('a wrong token is answered as wrong once a second per address; more are slowed, a second later wrong again', (t) => {
		mockTime(t);
		const auth = new HttpAuth(new Secret(TOKEN));
		assert.equal(auth.check(bearer('guess-1-guess-1-guess')), 'denied');
		t.mock.timers.tick(999);
		assert.equal(auth.check(bearer('guess-2-guess-2-guess')), 'slow-down');
		assert.equal(auth.tryToken(request({}), 'guess-3'), 'slow-down', 'the login page counts the same');
		assert.equal(auth.check(bearer('guess-4', '192.0.2.7')), 'denied', 'another address is not slowed');
		t.mock.timers.tick(1);
		assert.equal(auth.check(bearer('guess-5-guess-5-guess')), 'denied');
		// A request without any token is no guess: it is refused, never slowed.
		assert.equal(auth.check(request({})), 'denied');
		assert.equal(auth.check(request({ cookie: 'jdcast_session=forged' })), 'denied');
	});

	it('at most 20 wrong tokens a second are answered as wrong, whatever the addresses; a right one always passes', (t) => {
		mockTime(t);
		const auth = new HttpAuth(new Secret(TOKEN));
		const verdicts = Array.from({ length: 50 }, (_, i) => auth.check(bearer('guess', `198.51.100.${i}`)));
		assert.equal(verdicts.filter((v) => v === 'denied').length, 20);
		assert.equal(verdicts.filter((v) => v === 'slow-down').length, 30);
		assert.equal(auth.check(bearer(TOKEN, '198.51.100.1')), 'ok');
		t.mock.timers.tick(1000);
		assert.equal(auth.check(bearer('guess', '198.51.100.49')), 'denied', 'the next second has room again');
	});

	it('behind a trusted proxy the client is the last hop of X-Forwarded-For, or of Forwarded', (t) => {
		mockTime(t);
		const auth = new HttpAuth(new Secret(TOKEN), { trustProxy: true });
		const via = (headers: http.IncomingHttpHeaders) => auth.clientOf(request(headers));
		// The proxy appends the address it saw: what comes before is the client's to write.
		assert.equal(via({ 'x-forwarded-for': '10.9.9.9, 203.0.113.5' }), '203.0.113.5');
		assert.equal(via({ 'x-forwarded-for': '203.0.113.5:4711' }), '203.0.113.5');
		assert.equal(
			via({ forwarded: 'for=10.9.9.9, for="[2001:db8:cafe::17]:4711";proto=https' }),
			'2001:db8:cafe:0::/64',
		);
		assert.equal(via({ forwarded: 'for=192.0.2.60;proto=http;by=203.0.113.43' }), '192.0.2.60');
		assert.equal(via({}), '127.0.0.1', 'no header: the peer itself');
		assert.equal(via({ 'x-forwarded-for': '::ffff:192.0.2.1' }), '192.0.2.1');
		// An IPv6 client has a /64 of its own to choose from: it counts as one.
		assert.equal(via({ 'x-forwarded-for': '2001:db8:1:2:aaaa::1' }), via({ 'x-forwarded-for': '2001:db8:1:2::ffff' }));
		assert.equal(new HttpAuth(new Secret(TOKEN)).clientOf(request({ 'x-forwarded-for': '203.0.113.5' })), '127.0.0.1');

		// Two clients through one proxy: one guessing does not slow the other's guesses, nor its right token.
		const from = (address: string, token: string) => bearer(token, '127.0.0.1', { 'x-forwarded-for': address });
		assert.equal(auth.check(from('203.0.113.66', 'guess-guess-guess')), 'denied');
		assert.equal(auth.check(from('203.0.113.66', 'guess-guess-guess')), 'slow-down');
		assert.equal(auth.check(from('198.51.100.2', 'typo-typo-typo-typo')), 'denied');
		assert.equal(auth.check(from('203.0.113.66', TOKEN)), 'ok');
	});
});

describe('a token-less server refuses what a proxy forwarded', () => {
	it('every header a proxy adds counts, not only the common four', () => {
		const auth = new HttpAuth(undefined);
		assert.equal(auth.check(request({})), 'ok');
		for (const name of [
			'forwarded',
			'x-forwarded-for',
			'x-forwarded-host',
			'x-forwarded-proto',
			'x-real-ip',
			'x-client-ip',
			'true-client-ip',
			'cf-connecting-ip',
			'x-original-forwarded-for',
			'x-cluster-client-ip',
			'fastly-client-ip',
			'via',
		])
			assert.equal(auth.check(request({ [name]: '203.0.113.9' })), 'proxied', name);
	});
});
