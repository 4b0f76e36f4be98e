import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { freePort, tempDir } from './helpers/env.js';
import { runUp, writeProfile, type JdcastEvent, type RunningJdcast } from './helpers/jdcast.js';
import { analyze, openCapture } from './helpers/listener.js';
import { isAlive, processes } from './helpers/proc.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { clientExists, startIcecast, startJack, startSignal } from './helpers/services.js';
import { oggChain } from './helpers/ogg.js';

/** Waits until jdcast says each of its `count` recordings holds `seconds` of audio. */
async function recordingsHold(up: RunningJdcast, count: number, seconds: number): Promise<void> {
	await up.eventually(async () => {
		const recordings = (await up.status()).profiles[0]?.recordings ?? [];
		return recordings.length === count && recordings.every((r) => r.seconds >= seconds);
	}, `${seconds} s in each recording`);
}

it('SIGINT: exit 0, no ffmpeg left, the JACK client gone, recordings decodable', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'bye',
		`${jackInput('jd_bye', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /bye.opus, format: opus }\nrecord:\n  - { path: bye.opus, format: opus }\n  - { path: bye.mp3, format: mp3 }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/bye.opus']);
	const encoder = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	await up.eventually(() => clientExists(jack.name, 'jd_bye'), 'the JACK client jd_bye');
	await recordingsHold(up, 2, 3);

	assert.equal(await up.stop('SIGINT'), 0);
	assert.equal(isAlive(Number(encoder.pid)), false, 'ffmpeg is gone');
	assert.equal(await clientExists(jack.name, 'jd_bye'), false, 'the JACK client is gone');
	for (const [name, codec] of [
		['bye.opus', 'opus'],
		['bye.mp3', 'mp3'],
	] as const) {
		const report = await analyze(path.join(dir, name));
		assert.equal(report.codec, codec);
		assert.deepEqual(report.decodeErrors, [], `${name} decodes without error`);
		assert.ok(report.duration > 2.5, `${name} holds ${report.duration} s`);
	}
	const last = up.events.filter((e) => e.event === 'profile').at(-1);
	assert.equal(last?.state, 'stopped');
});

it('SIGTERM (systemd, kill): exit 0, stopped events, EOS on the recording, no temp folder left', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const dir = tempDir(t);
	const port = await freePort();
	const file = writeProfile(
		dir,
		'term',
		`${jackInput('jd_term', jack.name)}servers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /term.opus, format: opus }\nrecord:\n  - { path: term.opus, format: opus }\n`,
	);
	const up = runUp(t, [file]);
	await up.waitLive(['/term.opus']);
	const ours = readdirSync(tmpdir())
		.filter((d) => d.startsWith('jdcast-icecast-'))
		.map((d) => path.join(tmpdir(), d))
		.filter((d) => {
			try {
				return readFileSync(path.join(d, 'icecast.xml'), 'utf8').includes(`<port>${port}</port>`);
			} catch {
				return false;
			}
		});
	assert.equal(ours.length, 1, 'the embedded server has its folder');
	await recordingsHold(up, 1, 2);

	assert.equal(await up.stop('SIGTERM'), 0);
	for (const kind of ['profile', 'output', 'recording'])
		assert.equal(up.events.filter((e) => e.event === kind).at(-1)?.state, 'stopped', `a ${kind} stopped event`);
	assert.equal(existsSync(ours[0]!), false, 'the temp folder (it holds generated passwords) is removed');
	const chain = oggChain(path.join(dir, 'term.opus'));
	assert.ok(
		chain.length >= 1 && chain.every((link) => link.ended),
		'every Ogg stream of the recording ends with an EOS page',
	);
	const report = await analyze(path.join(dir, 'term.opus'));
	assert.deepEqual(report.decodeErrors, []);
});

it('ffmpeg missing from PATH: the profile fails saying what to install, outputs never live, jdcast up exits 1', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'nobin',
		`input: { tone: {} }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /nobin.opus, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal(), PATH: dir });
	const failed = await up.waitForEvent(
		(e) => e.event === 'profile' && e.state === 'failed',
		'the profile to fail',
		10_000,
	);
	assert.match(String(failed.error), /ffmpeg is not installed \(not found on PATH\); install it/);
	assert.equal(await up.exited, 1);
	assert.ok(!up.events.some((e) => e.event === 'output' && e.state === 'live'), 'no output ever said live');
	assert.equal(up.events.filter((e) => e.event === 'encoder').length, 0, 'no restart loop');
});

it('SIGTERM while starting (as the profile begins, as ffmpeg starts, as the first output connects): exit 0 every time, nothing of it left running', async (t) => {
	const dir = tempDir(t);
	// Phases of the start, told by the events jdcast prints (its signal handler is in place before the first):
	// not milliseconds, which a loaded machine stretches.
	const phases: [string, (e: JdcastEvent) => boolean][] = [
		['the profile begins', (e) => e.event === 'profile' && e.state === 'starting'],
		['ffmpeg starts', (e) => e.event === 'encoder' && e.running === true],
		['the first output connects', (e) => e.event === 'output'],
	];
	for (const [i, [phase, reached]] of phases.entries()) {
		const delay = phase;
		const port = await freePort();
		const file = writeProfile(
			dir,
			`early${i}`,
			`input: { tone: {} }\nservers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /early.opus, format: opus }\n`,
		);
		const up = runUp(t, [file]);
		await up.waitForEvent(reached, phase);
		const pid = up.child.pid!;
		const code = await up.stop('SIGTERM');
		assert.equal(code, 0, `stopped as ${delay}: ${up.stderr()}`);
		const left = processes().filter(
			(p) => p.argv.some((a) => a.includes(`early${i}`) || a.includes(`<port>${port}`)) || p.ppid === pid,
		);
		assert.deepEqual(left, [], `nothing left after a stop as ${delay}`);
		assert.equal(
			await fetch(`http://127.0.0.1:${port}/`).then(
				() => 'answers',
				() => 'gone',
			),
			'gone',
			'its icecast2 is gone',
		);
	}
});

it('jdcast up --json | tee, then Ctrl-C: the reader is gone first (EPIPE), jdcast still stops cleanly, exit 0, nothing of it left', async (t) => {
	const port = await freePort();
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'piped',
		`input: { tone: {} }\nservers:\n  own: { embedded: true, port: ${port} }\nstreams:\n  - { mount: /piped.opus, format: opus }\n`,
	);
	const up = runUp(t, [file]);
	await up.waitLive(['/piped.opus']);
	const pid = up.child.pid!;
	const children = processes()
		.filter((p) => p.ppid === pid)
		.map((p) => p.pid);
	const listener = await openCapture(`http://127.0.0.1:${port}/piped.opus`, path.join(dir, 'piped.opus'));
	t.after(() => listener.stop());
	await listener.more(1);
	// The program reading its output goes away, as tee does on Ctrl-C; jdcast writes on (levels each
	// second, stats every 2 s) while a listener hears 3 s more of the stream.
	up.child.stdout!.destroy();
	const goal = listener.seconds + 3;
	await up.eventually(() => listener.seconds >= goal, 'a listener hearing 3 s more with no reader of the output');
	assert.equal(await up.stop('SIGINT'), 0, up.stderr());
	assert.deepEqual(children.filter(isAlive), [], 'ffmpeg and icecast2 stopped');
	assert.equal(
		await fetch(`http://127.0.0.1:${port}/`).then(
			() => 'answers',
			() => 'gone',
		),
		'gone',
	);
});
