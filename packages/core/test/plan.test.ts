import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProfileText, plan, type Profile } from '../src/index.js';

function profileOf(text: string): Profile {
	const { profile, diagnostics } = loadProfileText(text, '/studio/p.yaml');
	assert.ok(profile, diagnostics.map((d) => d.message).join('\n'));
	return profile;
}

const THREE_SERVERS = `
servers:
  a: { host: a.example, password: secret-a }
  b: { host: b.example, password_env: PW_B }
  c: { host: c.example, port: 8443, tls: true, password_file: pw }
`;

describe('plan', () => {
	it('encodes each distinct encoding once, however many targets use it', () => {
		const p = plan(
			profileOf(`${THREE_SERVERS}streams:
  - { mount: /live.opus, format: opus, bitrate: 96 }
  - { mount: /live.flac, format: flac, servers: [a] }
record:
  - { path: rec.ogg, format: flac }
`),
		);
		assert.equal(p.encoders.length, 2);
		const [opus, flac] = p.encoders;
		assert.deepEqual(
			opus!.streams.map((s) => `${s.server}${s.mount}`),
			['a/live.opus', 'b/live.opus', 'c/live.opus'],
		);
		assert.equal(opus!.fd, 3);
		assert.equal(flac!.fd, 4);
		assert.deepEqual(
			flac!.streams.map((s) => s.mount),
			['/live.flac'],
		);
		assert.deepEqual(
			flac!.recordings.map((r) => r.path),
			['rec.ogg'],
		);
		// Two encoders, and the PCM copy the level meter reads.
		assert.equal(p.argv.filter((a) => a === '-map').length, 3);
		assert.deepEqual(
			p.argv.filter((a) => a.startsWith('pipe:')),
			['pipe:3', 'pipe:4', 'pipe:5'],
		);
		assert.equal(p.meterFd, 5);
	});

	it('gives the level meter one 32-bit float WAV copy of the input, after the encoders', () => {
		const p = plan(
			profileOf(`${THREE_SERVERS}streams:\n  - { mount: /a, format: opus }\n  - { mount: /b, format: mp3 }\n`),
		);
		const meter = splitOutputs(p.argv).at(-1)!;
		assert.deepEqual(meter, [
			'-map',
			'0:a:0',
			'-af',
			'asetnsamples=n=4800:p=0',
			'-c:a',
			'pcm_f32le',
			'-f',
			'wav',
			'pipe:5',
		]);
	});

	it('latency: normal makes Ogg pages of 100 ms instead of 20 ms', () => {
		const low = plan(profileOf(`${THREE_SERVERS}streams:\n  - { mount: /a, format: opus }\n`));
		const normal = plan(profileOf(`latency: normal\n${THREE_SERVERS}streams:\n  - { mount: /a, format: opus }\n`));
		assert.ok(low.argv.join(' ').includes('-page_duration 20000'));
		assert.ok(normal.argv.join(' ').includes('-page_duration 100000'));
	});

	it('makes the tone at the asked peak level on every channel', () => {
		const p = plan(
			profileOf(
				`input: { tone: { frequency: 1000, level: -23, channels: 2 } }\n${THREE_SERVERS}streams:\n  - { mount: /a, format: opus }\n`,
			),
		);
		const source = p.argv[p.argv.indexOf('lavfi') + 2]!;
		assert.match(
			source,
			/^sine=frequency=1000:sample_rate=48000,volume=-4\.9382dB:precision=double,pan=2c\|c0=c0\|c1=c0$/,
		);
	});

	it('puts no password and no server address in the argv', () => {
		const p = plan(profileOf(`${THREE_SERVERS}streams:\n  - { mount: /x, format: mp3 }\n`));
		const argv = p.argv.join(' ');
		for (const secret of ['secret-a', 'PW_B', 'a.example', 'icecast://', '8443'])
			assert.ok(!argv.includes(secret), `${secret} in ${argv}`);
	});

	it('streams of one format but another bitrate get their own encoder', () => {
		const p = plan(
			profileOf(`${THREE_SERVERS}streams:
  - { mount: /hi.opus, format: opus, bitrate: 128 }
  - { mount: /lo.opus, format: opus, bitrate: 48 }
  - { mount: /mono.opus, format: opus, bitrate: 48, channels: 1 }
  - { mount: /lo2.opus, format: opus, bitrate: 48, servers: [a] }
`),
		);
		assert.deepEqual(
			p.encoders.map((e) => [e.bitrate, e.channels, e.streams.length]),
			[
				[128, 2, 3],
				[48, 2, 4],
				[48, 1, 3],
			],
		);
	});

	it('writes Ogg pages of 20 ms for every Ogg format and plain MP3 frames for mp3', () => {
		const p = plan(
			profileOf(`${THREE_SERVERS}streams:
  - { mount: /a, format: opus }
  - { mount: /b, format: vorbis }
  - { mount: /c, format: flac }
  - { mount: /d, format: mp3 }
`),
		);
		const outputs = splitOutputs(p.argv).slice(0, -1);
		assert.equal(outputs.length, 4);
		for (const out of outputs.slice(0, 3)) {
			assert.deepEqual(optionValue(out, '-f'), 'ogg');
			assert.deepEqual(optionValue(out, '-page_duration'), '20000');
			assert.deepEqual(optionValue(out, '-flush_packets'), '1');
		}
		assert.deepEqual(
			outputs.map((o) => optionValue(o, '-c:a')),
			['libopus', 'libvorbis', 'flac', 'libmp3lame'],
		);
		assert.equal(optionValue(outputs[3]!, '-f'), 'mp3');
		assert.deepEqual(
			p.encoders.map((e) => e.contentType),
			['audio/ogg', 'audio/ogg', 'audio/ogg', 'audio/mpeg'],
		);
	});

	it('reads the JACK client named in the profile, on its JACK server, never starting one', () => {
		const p = plan(
			profileOf(
				`input:\n  jack: { client: studio_out, server: night, channels: 4 }\n${THREE_SERVERS}streams:\n  - { mount: /a, format: flac }\n`,
			),
		);
		const i = p.argv.indexOf('-f');
		assert.deepEqual(p.argv.slice(i, i + 6), ['-f', 'jack', '-channels', '4', '-i', 'studio_out']);
		assert.deepEqual(p.env, { JACK_NO_START_SERVER: '1', JACK_DEFAULT_SERVER: 'night' });
		assert.equal(p.encoders[0]!.channels, 4);
	});

	it('is pure: the same profile gives the same plan', () => {
		const profile = profileOf(`${THREE_SERVERS}streams:\n  - { mount: /a, format: opus }\n`);
		assert.deepEqual(plan(profile), plan(profile));
	});
});

function splitOutputs(argv: string[]): string[][] {
	const outputs: string[][] = [];
	let current: string[] | undefined;
	for (const arg of argv) {
		if (arg === '-map') outputs.push((current = []));
		current?.push(arg);
	}
	return outputs;
}

function optionValue(args: string[], flag: string): string | undefined {
	const i = args.indexOf(flag);
	return i < 0 ? undefined : args[i + 1];
}
