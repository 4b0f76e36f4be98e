import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { eventually, tempDir } from './helpers/env.js';
import { decodeEntities, icecastSources } from './helpers/icecast-status.js';
import { analyze, capture } from './helpers/listener.js';
import { jdcastOnce, socketFor } from './helpers/jdcast.js';
import { isAlive } from './helpers/proc.js';
import { startIcecast, startJack } from './helpers/services.js';

interface Answer {
	reply: string;
	ok: boolean;
	details: string[];
}

/**
 * What the Python bridge does: `jdcast jackdaw say PHRASE --config -` with the config (password
 * included) on standard input, never on the command line; one line of JSON back, exit 1 when
 * the answer is not ok.
 */
async function say(phrase: string, config: object, env: NodeJS.ProcessEnv): Promise<Answer> {
	const result = await execa(
		process.execPath,
		[new URL('../packages/cli/bin/jdcast.mjs', import.meta.url).pathname, 'jackdaw', 'say', phrase, '--config', '-'],
		{ input: JSON.stringify(config), env, reject: false },
	);
	const answer = JSON.parse(result.stdout.trim()) as Answer;
	assert.equal(result.exitCode, answer.ok ? 0 : 1, result.stderr);
	return answer;
}

/** An old-style plugin config (host, port, password, mount, bitrate, format) on a test's own icecast2. */
async function setup(t: TestContext, keys: Record<string, unknown>) {
	const jack = await startJack(t);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const config = {
		enabled: true,
		host: '127.0.0.1',
		port: icecast.port,
		password: icecast.sourcePassword.reveal(),
		socket: socketFor(t),
		state_dir: path.join(dir, 'state'),
		jackdaw_dir: dir,
		...keys,
	};
	const env = { JACK_DEFAULT_SERVER: jack.name };
	t.after(async () => {
		await jdcastOnce(['jackdaw', 'cleanup', '--config', JSON.stringify(config)], env);
	});
	return { jack, icecast, dir, config, env };
}

it('voice: start streaming, stream status with listeners and while the server is down, now playing, stop streaming', async (t) => {
	const { icecast, config, env } = await setup(t, { mount: '/jackdaw.opus', format: 'opus', bitrate: 96 });
	assert.equal((await say('stream status', config, env)).reply, 'Not streaming.');

	const start = await say('start streaming', config, env);
	assert.equal(start.ok, true, start.details.join('\n'));
	assert.match(
		start.reply,
		/^Streaming Opus at 96 kilobits to jackdaw dot opus on localhost, 0 listeners, (just on air|on air \d+ seconds)\.$/,
	);
	const pid = Number(readFileSync(path.join(config.state_dir, 'jdcast.pid'), 'utf8'));
	assert.ok(isAlive(pid), 'the plugin started jdcast up');
	assert.doesNotMatch(
		readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
		new RegExp(config.password),
		'no password in its argv',
	);
	assert.doesNotMatch(
		readFileSync(path.join(config.state_dir, 'jackdaw.yaml'), 'utf8'),
		new RegExp(config.password),
		'no password in the profile it wrote',
	);

	for (let i = 0; i < 3; i++) {
		const request = http.get(`http://127.0.0.1:${icecast.port}/jackdaw.opus`, (r) => r.resume());
		request.on('error', () => {});
		t.after(() => request.destroy());
	}
	await eventually(
		async () => /, 3 listeners, on air/.test((await say('stream status', config, env)).reply),
		'three listeners spoken',
		15_000,
	);
	assert.equal((await say('how many listeners', config, env)).reply, '3 listeners.');
	assert.equal(
		(await say('now playing Hoppipolla by Sigur Ros', config, env)).reply,
		'Now playing Hoppipolla by Sigur Ros.',
	);

	await icecast.kill();
	await eventually(
		async () => (await say('stream status', config, env)).reply === 'Stream reconnecting: server not answering.',
		'the outage spoken',
	);
	await icecast.restart();
	await eventually(
		async () =>
			/^Streaming Opus at 96 kilobits to jackdaw dot opus/.test((await say('stream status', config, env)).reply),
		'back on air',
	);

	assert.equal((await say('stop streaming', config, env)).reply, 'Stream stopped.');
	assert.equal(isAlive(pid), false, 'the jdcast it started is gone');
	assert.equal((await say('stream status', config, env)).reply, 'Not streaming.');
	assert.equal((await say('stop streaming', config, env)).reply, 'Not streaming.');
});

it('voice: an old-style config with format flac streams Ogg FLAC', async (t) => {
	const { icecast, dir, config, env } = await setup(t, { mount: '/jackdaw.flac', format: 'flac' });
	const start = await say('start streaming', config, env);
	assert.match(start.reply, /^Streaming FLAC to jackdaw dot flac on localhost/);
	const { file } = await capture(`http://127.0.0.1:${icecast.port}/jackdaw.flac`, 2, path.join(dir, 'listen.flac.ogg'));
	const report = await analyze(file);
	assert.equal(report.codec, 'flac');
	assert.deepEqual(report.decodeErrors, []);
	assert.equal((await say('stop streaming', config, env)).reply, 'Stream stopped.');
});

it('voice: an invalid format answers with a spoken error and starts nothing', async (t) => {
	const { config, env } = await setup(t, { format: 'wma' });
	const answer = await say('start streaming', config, env);
	assert.equal(answer.ok, false);
	assert.equal(answer.reply, 'Cannot start streaming: format wma is not one of ogg, opus, flac, mp3, aac.');
	assert.match(answer.details[0]!, /voice_assistant_config\.json:\d+:\d+: plugins\.icecast_streamer\.format/);
	assert.equal(existsSync(path.join(config.state_dir, 'jdcast.pid')), false);
	assert.equal((await say('stream status', config, env)).reply, 'Not streaming.');
});

/** A Jackdaw checkout as far as the bridge needs one, with the bridge installed by `jdcast jackdaw install`. */
async function installBridge(dir: string): Promise<string> {
	mkdirSync(path.join(dir, 'plugins'));
	copyFileSync(new URL('./fixtures/jackdaw/plugin_base.py', import.meta.url), path.join(dir, 'plugin_base.py'));
	const install = await jdcastOnce(['jackdaw', 'install', dir]);
	assert.equal(install.code, 0, install.stderr);
	return install.stderr;
}

/** drive_bridge.py, as Jackdaw's voice client would run the plugin. */
function driveBridge(
	jackdaw: Awaited<ReturnType<typeof setup>> & { config: { mount?: unknown } },
	mode: string[] = [],
) {
	const { icecast, dir, config, env } = jackdaw;
	return execa(
		'python3',
		[
			new URL('./fixtures/jackdaw/drive_bridge.py', import.meta.url).pathname,
			dir,
			String(icecast.port),
			config.mount as string,
			...mode,
		],
		{
			env: { ...env, PLUGIN_CONFIG: JSON.stringify(config) },
			reject: false,
			timeout: 90_000,
		},
	);
}

it('python: the bridge, loaded and called as Jackdaw does, starts and stops a real stream', async (t) => {
	const jackdaw = await setup(t, { mount: '/jackdaw.ogg' });
	await installBridge(jackdaw.dir);
	const run = await driveBridge(jackdaw);
	for (const line of run.stdout.split('\n').filter((l) => l.startsWith('said:'))) t.diagnostic(line);
	assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
	assert.match(run.stdout, /said: Streaming Vorbis at \d+ kilobits to jackdaw dot ogg on localhost/);
	assert.match(run.stdout, /said: Stream stopped\./);
	assert.match(run.stdout, /^ok$/m);
});

it("python: Jackdaw's player changes track, stops, and the voice client dies with the stream on: titles follow, then jdcast stops", async (t) => {
	const jackdaw = await setup(t, { mount: '/jackdaw.ogg' });
	const { icecast, dir, config } = jackdaw;
	await installBridge(dir);
	const voiceClient = driveBridge(jackdaw, ['hold']);
	t.after(() => voiceClient.kill('SIGKILL'));
	let output = '';
	voiceClient.stdout?.on('data', (chunk: Buffer) => (output += String(chunk)));
	await eventually(
		() => output.includes('holding') || voiceClient.exitCode !== null,
		'the stream on air from the bridge',
		60_000,
	);
	if (!output.includes('holding')) assert.fail(`${output}${(await voiceClient).stderr}`);
	const pid = Number(readFileSync(path.join(config.state_dir, 'jdcast.pid'), 'utf8'));

	// What audio_jack_player.py writes when a track starts (not atomically), and removes on stop.
	const nowPlaying = path.join(dir, '.now_playing.json');
	const track = (title: string, artist: string) =>
		JSON.stringify(
			{
				filename: '01-x',
				position: 1,
				total: 9,
				path: '/music/01-x.flac',
				timestamp: Date.now() / 1000,
				tags: { title, artist, album: 'Takk...' },
			},
			null,
			2,
		);
	writeFileSync(nowPlaying, track('Hoppipolla', 'Sigur Rós'));
	await eventually(
		async () => (await icecastSources(icecast.port)).get('/jackdaw.ogg')?.title === 'Hoppipolla',
		'the first track on the mount',
	);
	assert.equal(decodeEntities((await icecastSources(icecast.port)).get('/jackdaw.ogg')?.artist), 'Sigur Rós');
	writeFileSync(nowPlaying, track('Glósóli', 'Sigur Rós'));
	await eventually(
		async () => decodeEntities((await icecastSources(icecast.port)).get('/jackdaw.ogg')?.title) === 'Glósóli',
		'the next track on the mount',
	);
	rmSync(nowPlaying);
	await eventually(
		async () => !(await icecastSources(icecast.port)).get('/jackdaw.ogg')?.title,
		'the title cleared when playback stopped',
	);

	voiceClient.kill('SIGKILL');
	await eventually(() => !isAlive(pid), 'the jdcast the voice client started to stop with it', 10_000);
	await eventually(
		async () => !(await icecastSources(icecast.port)).has('/jackdaw.ogg'),
		'the mount gone from Icecast',
	);
});
