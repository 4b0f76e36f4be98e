import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { tempDir } from './helpers/env.js';
import { runUp, writeProfile } from './helpers/jdcast.js';
import { analyze, capture, inDir } from './helpers/listener.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

const fixture = (name: string) => new URL(`./fixtures/tls/${name}`, import.meta.url).pathname;

it('a station whose Icecast has a private CA: with tls_ca its listeners hear the stream over https; without, one sentence naming tls_ca, and the other stream is untouched', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	// Debian's icecast2 listening with TLS only, its certificate signed by the test CA.
	const icecast = await startIcecast(t, { tlsCertificate: fixture('server.pem') });
	const dir = tempDir(t);
	const trusted = writeProfile(
		dir,
		'trusted',
		`${jackInput('jd_trusted', jack.name)}servers:\n${serverEntry('station', icecast.port)}    tls_ca: ${fixture('ca.pem')}\nstreams:\n  - { mount: /tls.opus, format: opus }\n  - { mount: /tls.mp3, format: mp3, bitrate: 128 }\n`,
	);
	const untrusted = writeProfile(
		dir,
		'untrusted',
		`${jackInput('jd_untrusted', jack.name)}servers:\n${serverEntry('station', icecast.port)}    tls: true\nstreams:\n  - { mount: /untrusted.opus, format: opus }\n`,
	);
	// And a careless one: tls on a server that speaks plain HTTP on that port.
	const plainIcecast = await startIcecast(t, { sourcePassword: icecast.sourcePassword.reveal() });
	const plain = writeProfile(
		dir,
		'plain',
		`input: { tone: {} }\nsilence: false\nservers:\n${serverEntry('plain', plainIcecast.port)}    tls: true\nstreams:\n  - { mount: /plain.opus, format: opus }\n`,
	);
	const up = runUp(t, [trusted, untrusted, plain], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/tls.opus', '/tls.mp3']);

	const refused = await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === '/untrusted.opus' && typeof e.error === 'string',
		'the untrusted server refused',
	);
	assert.equal(refused.code, 'E_ICECAST_TLS');
	assert.match(
		String(refused.error),
		/^the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(\w+\): if it is self-signed or from a private CA, give that CA's certificate \(PEM\) as servers\.station\.tls_ca$/,
	);

	const notTls = await up.waitForEvent(
		(e) => e.event === 'output' && e.mount === '/plain.opus' && typeof e.error === 'string',
		'TLS to a plain port refused',
		20_000,
	);
	assert.equal(notTls.code, 'E_ICECAST_TLS');
	assert.match(
		String(notTls.error),
		/^127\.0\.0\.1:\d+ did not complete a TLS handshake within 5 s: is this its TLS port, or is tls not meant\?$/,
	);

	const ca = readFileSync(fixture('ca.pem'), 'utf8');
	for (const [mount, codec] of [
		['/tls.opus', 'opus'],
		['/tls.mp3', 'mp3'],
	] as const) {
		const { file } = await capture(`https://127.0.0.1:${icecast.port}${mount}`, 3, inDir(dir, `${codec}.bin`), { ca });
		const heard = await analyze(file);
		assert.equal(heard.codec, codec);
		assert.deepEqual(heard.decodeErrors, []);
		assert.ok(Math.abs(heard.frequency - SIGNAL_LEFT_HZ) < 10, `${mount}: ${heard.frequency} Hz`);
	}
	// Listener counts come over https too, with the same CA.
	await up.waitForEvent(
		(e) => e.event === 'stats' && e.mount === '/tls.opus' && typeof e.listeners === 'number',
		'listener counts from the TLS server',
	);
	assert.equal(up.outputState('/tls.opus'), 'live');
	assert.equal(await up.stop('SIGTERM'), 0);
});
