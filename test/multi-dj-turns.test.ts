import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { eventually, tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, writeProfile, type JdcastEvent } from './helpers/jdcast.js';
import { analyze, capture, inDir, pitchSequence } from './helpers/listener.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { connectionsOf, SIGNAL_LEFT_HZ, startJack, startSignal } from './helpers/services.js';
import { control, KEPT, latestState, station, toneProfile } from './helpers/station.js';

it('a DJ whose mixer goes silent yields the public mount to the autodj (silence.action: yield) and takes it back when sound returns; listeners stay connected', async (t) => {
	// No burst: a listener hears from the moment it comes, not the seconds of autodj that covered the mount before
	// the DJ took it (64 KB is five seconds of this Opus).
	const icecast = await station(t, { burstOnConnect: false });
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const dir = tempDir(t);
	toneProfile(dir, 'autodj', 330, icecast.port, 'autodj');
	const dj = writeProfile(
		dir,
		'dj',
		`name: dj\n${jackInput('jd_dj', jack.name)}silence: { threshold: -50, after: 1, action: yield }\nservers:\n${serverEntry('station', icecast.port)}${KEPT}streams:\n  - { mount: /live.opus, format: opus, shared: true }\n`,
	);
	const up = runUp(t, [path.join(dir, 'autodj.yaml'), dj], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/autodj.opus', '/live.opus']);
	// The DJ heard on the public mount before the listener comes: on a loaded machine the mixer's cable may be
	// made more than `after` into the start, and the mount is then the autodj's until sound has held.
	await up.waitForEvent(
		(e) =>
			e.event === 'level' && e.profile === 'dj' && (e.rmsDb as (number | null)[]).some((db) => db !== null && db > -40),
		'the DJ audible',
	);
	await eventually(() => latestState(up, 'dj', '/live.opus') === 'live', 'the DJ on the public mount');
	const listener = capture(`http://127.0.0.1:${icecast.port}/live.opus`, 16, inDir(dir, 'live.bin'));
	await new Promise((r) => setTimeout(r, 2000));
	await eventually(async () => (await connectionsOf(jack.name, 'jd_dj')).length > 0, 'jd_dj connected');
	// The DJ's mixer is taken off the input: dead air. (Pulled by hand, the profile's connect rule would put
	// the cable back at once.)
	const off = await jdcastOnce(['disconnect', 'dj', 'jack_simple_client', '--socket', up.socket]);
	assert.equal(off.code, 0, off.stderr);
	await up
		.waitForEvent(
			(e) => e.event === 'log' && /silent: released \/live\.opus to the fallback/.test(String(e.message)),
			'the mount released to the autodj',
			10_000,
		)
		.catch((error: Error) => {
			// Said when it times out: what jdcast saw of the DJ meanwhile.
			const seen = up.events.filter((e) => e.profile === 'dj' && e.event !== 'stats' && e.event !== 'level');
			throw new Error(`${error.message}; jdcast saw ${JSON.stringify(seen.slice(-12))}`);
		});
	await new Promise((r) => setTimeout(r, 2500));
	const on = await jdcastOnce(['connect', 'dj', 'jack_simple_client', '--socket', up.socket]);
	assert.equal(on.code, 0, on.stderr);
	await up.waitForEvent(
		(e) => e.event === 'log' && /sound is back: taking \/live\.opus again/.test(String(e.message)),
		'the mount taken back',
		10_000,
	);

	const { file } = await listener;
	const heard = await analyze(file);
	assert.deepEqual(heard.decodeErrors, []);
	assert.ok(heard.duration > 9, `one connection throughout (${heard.duration} s decoded)`);
	const sequence = await pitchSequence(file);
	const pitches = sequence
		.map((r) => r.hz)
		.filter((hz, i, all) => hz !== 0 && hz !== all.slice(0, i).findLast((h) => h !== 0));
	// What the test does: the DJ, the autodj while the mixer is off, the DJ again. On a loaded machine JACK's
	// dummy backend can also drop the DJ's signal for a second before that (seen once: 3.4 s of autodj first);
	// the DJ then yields as it should, and jdcast says so: the listener hears the autodj no more often than
	// jdcast said it released the mount.
	assert.deepEqual(pitches.slice(-3), [SIGNAL_LEFT_HZ, 330, SIGNAL_LEFT_HZ], JSON.stringify(sequence));
	assert.ok(
		pitches.every((hz) => hz === SIGNAL_LEFT_HZ || hz === 330),
		JSON.stringify(sequence),
	);
	const releases = up.events.filter(
		(e) => e.event === 'log' && /silent: released \/live\.opus to the fallback/.test(String(e.message)),
	).length;
	assert.ok(
		pitches.filter((hz) => hz === 330).length <= releases,
		`${JSON.stringify(sequence)}; ${releases} releases said`,
	);
	assert.equal(await up.stop('SIGTERM'), 0);
});

it('voice: "hand over to dj b" and "take over the stream" move the public mount between DJs; a silent DJ is refused in words', async (t) => {
	const icecast = await station(t);
	const dir = tempDir(t);
	toneProfile(dir, 'dj-a', 440, icecast.port, 'live');
	const up = runUp(t, [path.join(dir, '*.yaml')], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/live.opus', '/live.mp3']);
	// DJ B joins by reload, and so does "jackdaw", the Jackdaw user's own profile, whose input is silent.
	toneProfile(dir, 'dj-b', 880, icecast.port, 'live');
	writeProfile(
		dir,
		'jackdaw',
		`name: jackdaw\ninput:\n  tone: { frequency: 440, level: -100 }\nsilence: false\nservers:\n${serverEntry('station', icecast.port)}streams:\n  - { mount: /live.opus, format: opus, shared: true }\n  - { mount: /live.mp3, format: mp3, bitrate: 128, shared: true }\n`,
	);
	const reload = await control(up, 'reload');
	assert.equal(reload.code, 0, reload.stderr);
	const say = async (phrase: string) => {
		const result = await jdcastOnce(['jackdaw', 'say', phrase, '--config', JSON.stringify({ socket: up.socket })]);
		return (JSON.parse(result.stdout.trim()) as { reply: string }).reply;
	};
	assert.equal(await say('hand over to dj b'), 'Handed over from dj a to dj b.');
	assert.equal(await say('take over the stream'), 'Not handed over: jackdaw is silent.');
	assert.equal(await say('hand over to dj b'), 'dj b is already on air.');
	assert.equal(await say('hand over to nobody'), 'I know no stream profile called nobody.');
	assert.equal(up.events.filter((e) => e.event === 'handover').length, 1);
	assert.equal(latestState(up, 'dj-b', '/live.opus'), 'live');
	assert.equal(await up.stop('SIGTERM'), 0);
});

it('a schedule of dated slots a few seconds apart: DJ A, then B, on the public mount, handed over at the boundaries; B waits its turn; nobody after', async (t) => {
	const icecast = await station(t);
	const dir = tempDir(t);
	// The station keeps an air check of its public mount: a file per holder, named after it.
	const archived = KEPT.replace(
		'/live.opus: { fallback: /autodj.opus, keep: true }',
		'/live.opus: { fallback: /autodj.opus, keep: true, record: { path: "night-{slot}.opus" } }',
	);
	toneProfile(dir, 'autodj', 330, icecast.port, 'autodj', archived);
	toneProfile(dir, 'dj-a', 440, icecast.port, 'live', archived);
	toneProfile(dir, 'dj-b', 880, icecast.port, 'live', archived);
	const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);
	// Far enough ahead for the autodj to be on air before the first slot's lead, even on a loaded machine.
	const t0 = Math.ceil(Date.now() / 1000) * 1000 + 12_000;
	const boundaries = [t0, t0 + 5000, t0 + 10_000];
	const schedule = writeProfile(
		dir,
		'schedule',
		`timezone: UTC\nlead: 4\nslots:\n  - { profile: dj-a, start: "${local(boundaries[0]!)}", end: "${local(boundaries[1]!)}" }\n  - { profile: dj-b, start: "${local(boundaries[1]!)}", end: "${local(boundaries[2]!)}" }\n`,
	);
	const validate = await jdcastOnce([
		'validate',
		'--schedule',
		schedule,
		...['autodj', 'dj-a', 'dj-b'].map((n) => path.join(dir, `${n}.yaml`)),
	]);
	assert.equal(validate.code, 0, validate.stderr);
	const up = runUp(t, ['--schedule', schedule, ...['autodj', 'dj-a', 'dj-b'].map((n) => path.join(dir, `${n}.yaml`))], {
		JD_TEST_PW: icecast.sourcePassword.reveal(),
	});
	await up.waitLive(['/autodj.opus']);
	const asked = Date.now();
	const before = JSON.parse((await control(up, 'status', '--json')).stdout) as {
		schedule: { current: string | null; slot: string | null; next: string; nextAt: string };
		profiles: { name: string; state: string; outputs: { state: string }[] }[];
	};
	// Only meaningful when asked before the first slot's lead (4 s): a machine slower than that says so.
	if (asked > boundaries[0]! - 4000)
		t.diagnostic(`status asked only ${boundaries[0]! - asked} ms before the first slot`);
	else {
		assert.deepEqual(before.schedule, {
			current: null,
			slot: null,
			next: 'dj-a',
			nextAt: new Date(boundaries[0]!).toISOString(),
		});
		// No DJ is on air before its slot: dj-b not running, dj-a at most started ahead (lead) with its mounts on standby.
		const state = (name: string) => before.profiles.find((p) => p.name === name);
		assert.equal(state('autodj')?.state, 'running');
		assert.equal(state('dj-b')?.state, 'stopped');
		assert.ok(
			state('dj-a')?.state === 'stopped' || state('dj-a')?.outputs.every((o) => o.state === 'standby'),
			`dj-a not on air before its slot: ${JSON.stringify(state('dj-a'))}`,
		);
	}
	// Heard until 3 s past the last boundary: the autodj after B.
	const seconds = Math.ceil((boundaries[2]! + 3000 - Date.now()) / 1000);
	const listener = capture(`http://127.0.0.1:${icecast.port}/live.opus`, seconds, inDir(dir, 'live.bin'));

	const aLive = await up.waitForEvent(
		(e) => e.event === 'output' && e.profile === 'dj-a' && e.mount === '/live.opus' && e.state === 'live',
		'A on air in its slot',
		15_000,
	);
	const handover = await up.waitForEvent((e) => e.event === 'handover', 'the handover at the boundary', 15_000);
	assert.equal(handover.from, 'dj-a');
	assert.equal(handover.to, 'dj-b');
	const bStopped = await up.waitForEvent(
		(e) => e.event === 'profile' && e.profile === 'dj-b' && e.state === 'stopped',
		'B stopped when its slot ended',
		15_000,
	);
	const off = (e: JdcastEvent, at: number) => Date.parse(String(e.time)) - at;
	t.diagnostic(
		`A on air ${off(aLive, boundaries[0]!)} ms after its slot began, handed over ${off(handover, boundaries[1]!)} ms after the boundary, B stopped ${off(bStopped, boundaries[2]!)} ms after its end`,
	);
	// Generous: how close to the boundary is the bench's to measure; here, that each happens at its own boundary.
	assert.ok(Math.abs(off(handover, boundaries[1]!)) <= 1500, 'the handover at the boundary, ±1.5 s');
	assert.ok(Math.abs(off(bStopped, boundaries[2]!)) <= 1500, 'B off at its end, ±1.5 s');
	assert.ok(off(aLive, boundaries[0]!) <= 1500, 'A on air within 1.5 s of its slot');

	const { file } = await listener;
	const heard = await analyze(file);
	assert.deepEqual(heard.decodeErrors, []);
	const pitches = (await pitchSequence(file)).map((r) => r.hz).filter((hz) => hz !== 0);
	assert.deepEqual(pitches, [330, 440, 880, 330], JSON.stringify(await pitchSequence(file)));
	assert.equal(await up.stop('SIGTERM'), 0);

	// The air check: a whole file per holder of /live.opus, named after it: the autodj before and after.
	const night = readdirSync(dir)
		.filter((f) => f.startsWith('night-') && f.endsWith('.opus'))
		.sort();
	assert.deepEqual(night, ['night-autodj-part2.opus', 'night-autodj.opus', 'night-dj-a.opus', 'night-dj-b.opus']);
	for (const [slotFile, hz] of [
		['night-dj-a.opus', 440],
		['night-dj-b.opus', 880],
	] as const) {
		const heard = await analyze(path.join(dir, slotFile));
		assert.deepEqual(heard.decodeErrors, [], slotFile);
		assert.ok(Math.abs(heard.duration - 5) < 1.6, `${slotFile}: ${heard.duration} s for a 5 s slot`);
		assert.deepEqual(
			(await pitchSequence(path.join(dir, slotFile))).map((r) => r.hz),
			[hz],
			`${slotFile} holds its DJ's tone`,
		);
	}
});
