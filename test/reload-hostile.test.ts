import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { it } from 'node:test';
import { jdcastOnce, socketFor } from './helpers/jdcast.js';
import { OggSeconds } from './helpers/ogg.js';
import { upOneStream } from './helpers/scenario.js';

it('a 300 KB profile of 32,000 unknown keys reloaded while a listener listens: refused with FILE:LINE:COL, the listener never waits 0.5 s', async (t) => {
	const socket = socketFor(t);
	const { up, icecast, mount, dir } = await upOneStream(t, 'steady', '', { JDCAST_SOCKET: socket });
	const file = `${dir}/steady.yaml`;

	let last = 0;
	let longestGap = 0;
	let bytes = 0;
	const heard = new OggSeconds();
	const request = http.get(`http://127.0.0.1:${icecast.port}${mount}`, (response) => {
		response.on('data', (chunk: Buffer) => {
			const now = performance.now();
			// The burst of past audio arrives at once; count gaps from then on.
			if (bytes > 0) longestGap = Math.max(longestGap, now - last);
			bytes += chunk.length;
			heard.feed(chunk);
			last = now;
		});
	});
	request.on('error', () => {});
	t.after(() => request.destroy());
	await up.eventually(() => bytes > 0, 'the listener receiving the stream');
	longestGap = 0;

	const junk = Array.from({ length: 32_000 }, (_, i) => `unknown_key_${i}: ${i}`).join('\n');
	writeFileSync(
		file,
		`servers:\n  main: { host: 127.0.0.1, password: x }\nstreams:\n  - { mount: ${mount}, format: opus }\n${junk}\n`,
	);
	const started = performance.now();
	const reload = await jdcastOnce(['reload', '--socket', socket]);
	const took = (performance.now() - started) / 1000;
	assert.equal(reload.code, 1, reload.stderr);
	assert.match(reload.stderr, /the reload was refused/);
	assert.ok(
		reload.stderr.includes(`${file}:5:1: unknown_key_0: unknown key \`unknown_key_0\``),
		reload.stderr.slice(0, 300),
	);
	assert.match(reload.stderr, /and 31950 more problems from here on, not listed/);
	// How fast is the bench's business; a refusal that never comes is this test's.
	assert.ok(took < 20, `refused after ${took.toFixed(1)} s`);
	// The listener goes on: a second more of the stream, by its own clock, after the refusal.
	const atRefusal = heard.seconds;
	await up.eventually(() => heard.seconds >= atRefusal + 1, 'the listener hearing on after the refusal');
	assert.ok(longestGap < 500, `the listener waited ${longestGap.toFixed(0)} ms for bytes`);
	assert.equal(up.outputState(mount), 'live');
	assert.equal(up.events.filter((e) => e.event === 'output').length, 1, 'the output never left live');
});
