import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { formatDiagnostic, loadProfileText, plan, Secret, type SecretError } from '../src/index.js';
import { fromJackdawConfig, jackdawProfileYaml } from '../src/jackdaw.js';
import { resolvePassword } from '../src/profile/secrets.js';

describe('passwords resolve late and never print', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-secret-'));
	writeFileSync(path.join(dir, 'pw'), 'from-file\n', { mode: 0o600 });
	const { profile } = loadProfileText(
		'servers:\n  e: { host: h, password_env: JD_TEST_PW }\n  f: { host: h, password_file: pw }\n  g: { host: h, password_file: nope }\nstreams:\n  - { mount: /a, format: opus }\n',
		path.join(dir, 'p.yaml'),
	);
	assert.ok(profile);

	it('reads an environment variable', async () => {
		assert.equal((await resolvePassword(profile, profile.servers.e!, { JD_TEST_PW: 'from-env' })).reveal(), 'from-env');
	});

	it('names a missing variable, with its place in the file', async () => {
		await assert.rejects(resolvePassword(profile, profile.servers.e!, {}), (error: SecretError) => {
			assert.equal(error.code, 'E_SECRET_UNRESOLVED');
			assert.equal(
				formatDiagnostic(error.diagnostic),
				`${path.join(dir, 'p.yaml')}:2:3: servers.e: environment variable JD_TEST_PW is not set`,
			);
			return true;
		});
	});

	it('reads a file relative to the profile, without its final newline', async () => {
		assert.equal((await resolvePassword(profile, profile.servers.f!)).reveal(), 'from-file');
	});

	it('names an unreadable file', async () => {
		await assert.rejects(
			resolvePassword(profile, profile.servers.g!),
			/servers\.g: cannot read password file .*nope: ENOENT/,
		);
	});

	it('refuses a password file that is not one line of a regular file, never showing its content', async () => {
		const cases: [string, () => void, RegExp][] = [
			[
				'shadow',
				() =>
					writeFileSync(path.join(dir, 'shadow'), 'root:$6$secret:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n'),
				/shadow holds more than one line/,
			],
			['fifo', () => execFileSync('mkfifo', [path.join(dir, 'fifo')]), /fifo is not a regular file/],
			['urandom', () => symlinkSync('/dev/urandom', path.join(dir, 'urandom')), /urandom is not a regular file/],
			['big', () => writeFileSync(path.join(dir, 'big'), 'x'.repeat(10_000)), /big is larger than 4 KiB/],
		];
		for (const [name, make, message] of cases) {
			make();
			const { profile: p } = loadProfileText(
				`servers:\n  s: { host: h, password_file: ${name} }\nstreams:\n  - { mount: /a, format: opus }\n`,
				path.join(dir, 'q.yaml'),
			);
			await assert.rejects(resolvePassword(p!, p!.servers.s!), (error: SecretError) => {
				assert.match(error.message, message);
				assert.doesNotMatch(error.message, /root:|\$6\$|xxxx/);
				return true;
			});
		}
	});

	it('warns when a password file can be read by others', () => {
		writeFileSync(path.join(dir, 'open'), 'pw\n', { mode: 0o644 });
		const { diagnostics } = loadProfileText(
			'servers:\n  s: { host: h, password_file: open }\nstreams:\n  - { mount: /a, format: opus }\n',
			path.join(dir, 'r.yaml'),
		);
		assert.match(
			diagnostics.map(formatDiagnostic).join('\n'),
			/r\.yaml:2:32: warning: servers\.s\.password_file: .*open can be read by group or others \(mode 644\); chmod 600/,
		);
	});

	it('a Secret shows as [redacted] in strings, JSON and inspect', () => {
		const s = new Secret('hunter2');
		assert.equal(`${s}`, '[redacted]');
		assert.equal(JSON.stringify({ s }), '{"s":"[redacted]"}');
		assert.equal(inspect({ s }), '{ s: [redacted] }');
	});
});

describe('fromJackdawConfig', () => {
	it("gives the old plugin's defaults for an empty section", () => {
		const { profile, diagnostics } = fromJackdawConfig('{"plugins": {"icecast_streamer": {"enabled": true}}}');
		assert.deepEqual(diagnostics, []);
		assert.ok(profile);
		assert.equal(profile.input.kind === 'jack' && profile.input.client, 'jd_stream');
		const server = profile.servers.jackdaw!;
		assert.deepEqual(
			[server.host, server.port, server.password],
			['localhost', 8000, { kind: 'inline', value: 'hackme' }],
		);
		assert.deepEqual(
			profile.streams.map((s) => [s.mount, s.format, s.bitrate]),
			[['/jackdaw.ogg', 'vorbis', 128]],
		);
	});

	it('maps every old key', () => {
		const { profile } = fromJackdawConfig(
			JSON.stringify({
				plugins: {
					icecast_streamer: {
						host: 'radio.lan',
						port: 8010,
						password: 'pw',
						mount: '/j.flac',
						bitrate: 128,
						format: 'flac',
					},
				},
			}),
		);
		assert.ok(profile);
		assert.deepEqual(
			profile.streams.map((s) => [s.mount, s.format, s.bitrate]),
			[['/j.flac', 'flac', null]],
		);
		assert.equal(profile.servers.jackdaw!.host, 'radio.lan');
		assert.equal(plan(profile).encoders[0]!.container, 'ogg');
	});

	it("an unknown format is an error in the config's own words and place", () => {
		const text = '{\n  "plugins": {\n    "icecast_streamer": {\n      "format": "wma"\n    }\n  }\n}\n';
		assert.deepEqual(fromJackdawConfig(text, 'va.json').diagnostics.map(formatDiagnostic), [
			'va.json:4:17: plugins.icecast_streamer.format: "wma" is not one of ogg, opus, flac, mp3, aac',
		]);
	});

	it('a bad port is reported at the port', () => {
		const text = '{"plugins": {"icecast_streamer": {"port": 99999, "format": "mp3", "bitrate": 100}}}';
		assert.deepEqual(fromJackdawConfig(text, 'va.json').diagnostics.map(formatDiagnostic), [
			'va.json:1:43: plugins.icecast_streamer.port: 99999 is above the maximum 65535',
			'va.json:1:78: plugins.icecast_streamer.bitrate: 100 is not one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 for mp3',
		]);
	});

	it('a careless user: a password written in a config others can read is flagged at that key, with advice the plugin takes', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-jd-'));
		const file = path.join(dir, 'voice_assistant_config.json');
		const text = '{\n  "plugins": {\n    "icecast_streamer": {\n      "password": "s3cret"\n    }\n  }\n}\n';
		writeFileSync(file, text, { mode: 0o644 });
		const lines = fromJackdawConfig(text, file).diagnostics.map(formatDiagnostic);
		assert.equal(lines.length, 1, lines.join('\n'));
		assert.match(
			lines[0]!,
			/voice_assistant_config\.json:4:19: warning: plugins\.icecast_streamer\.password: a password written in a file that group or others can read \(mode 644\); use password_env or password_file/,
		);
		assert.doesNotMatch(lines[0]!, /s3cret/);
	});

	it('password_env and password_file in the plugin config keep the password out of it and out of the written profile', () => {
		const withFile = jackdawProfileYaml(
			JSON.stringify({ plugins: { icecast_streamer: { password_file: '/etc/jdcast/pw' } } }),
		);
		assert.deepEqual(withFile.env, {});
		assert.match(withFile.yaml!, /password_file: \/etc\/jdcast\/pw/);
		const withEnv = fromJackdawConfig(JSON.stringify({ plugins: { icecast_streamer: { password_env: 'RADIO_PW' } } }));
		assert.deepEqual(withEnv.profile!.servers.jackdaw!.password, { kind: 'env', name: 'RADIO_PW' });
		const written = jackdawProfileYaml(JSON.stringify({ plugins: { icecast_streamer: { password: 's3cret' } } }));
		assert.deepEqual(written.env, { JDCAST_JACKDAW_PASSWORD: 's3cret' });
		assert.doesNotMatch(written.yaml!, /s3cret/);
	});
});
