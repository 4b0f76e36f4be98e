import assert from 'node:assert/strict';
import { existsSync, lchownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { eventually, tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, writeProfile } from './helpers/jdcast.js';
import { analyze } from './helpers/listener.js';
import { jackInput, serverEntry } from './helpers/profile.js';
import { SIGNAL_LEFT_HZ, startIcecast, startJack, startSignal } from './helpers/services.js';

it('the disk fills up under a recording, and again at the first retry: the stream stays live, the recording continues in a part that decodes alone, and the gap is said', async (t) => {
	const jack = await startJack(t);
	await startSignal(t, jack.name);
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	// A full disk, as the kernel says it: every write to /dev/full fails with ENOSPC.
	mkdirSync(path.join(dir, 'rec'));
	symlinkSync('/dev/full', path.join(dir, 'rec', 'show.ogg'));
	symlinkSync('/dev/full', path.join(dir, 'rec', 'show-part2.ogg'));
	const file = writeProfile(
		dir,
		'full',
		`${jackInput('jd_full', jack.name)}servers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /full.opus, format: opus }\nrecord:\n  - { path: rec/show.ogg, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/full.opus']);

	const full = await up.waitForEvent(
		(e) => e.event === 'recording' && e.state === 'retrying',
		'the recording waiting for the disk',
	);
	assert.match(String(full.error), /cannot write .*show\.ogg: ENOSPC; trying again in 1 s$/);
	const third = path.join(dir, 'rec', 'show-part3.ogg');
	const gap = await up.waitForEvent(
		(e) => e.event === 'log' && /recording continues in/.test(String(e.message)),
		'the recording back, in a new part',
		20_000,
	);
	const resumedAt = Date.now();
	assert.match(
		String(gap.message),
		new RegExp(
			`^recording continues in ${third.replace(/[.]/g, '\\.')} after \\d+\\.\\d s lost \\(cannot write .*show\\.ogg: ENOSPC\\)$`,
		),
	);
	assert.equal(up.outputState('/full.opus'), 'live', 'the stream never noticed');
	await new Promise((r) => setTimeout(r, 3000));
	assert.equal(await up.stop('SIGTERM'), 0);
	const stoppedAt = Date.now();

	assert.ok(existsSync(third));
	const heard = await analyze(third);
	assert.equal(heard.codec, 'opus');
	assert.deepEqual(heard.decodeErrors, [], 'the new part starts with its headers and decodes alone');
	assert.ok(Math.abs(heard.frequency - SIGNAL_LEFT_HZ) < 10, `${heard.frequency} Hz`);
	const onAir = (stoppedAt - resumedAt) / 1000;
	assert.ok(
		heard.duration >= onAir - 0.5 && heard.duration <= onAir + 1.5,
		`${heard.duration} s in the part for ${onAir} s after the resume`,
	);
	assert.ok(heard.longestSilence < 0.1, `a gap of ${heard.longestSilence} s inside the part`);
	const stopped = up.events.filter((e) => e.event === 'recording').at(-1)!;
	assert.equal(stopped.state, 'stopped');
	assert.equal(stopped.path, third);
});

it('someone deletes the recording folder while jdcast records: noticed within seconds, the recording goes on in a new part, and the loss is said', async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'gone',
		`name: gone\ninput: { tone: { frequency: ${SIGNAL_LEFT_HZ} } }\nsilence: false\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /gone.opus, format: opus }\nrecord:\n  - { path: rec/show.ogg, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/gone.opus']);
	await new Promise((r) => setTimeout(r, 1500));
	rmSync(path.join(dir, 'rec'), { recursive: true });
	const noticed = await up.waitForEvent(
		(e) => e.event === 'recording' && e.state === 'retrying',
		'the deletion noticed',
		10_000,
	);
	assert.match(String(noticed.error), /show\.ogg was removed or replaced while recording/);
	await up.waitForEvent(
		(e) => e.event === 'log' && /recording continues in .*show-part2\.ogg after/.test(String(e.message)),
		'the recording back in a new part',
		10_000,
	);
	await new Promise((r) => setTimeout(r, 2000));
	assert.equal(await up.stop('SIGTERM'), 0);
	const heard = await analyze(path.join(dir, 'rec', 'show-part2.ogg'));
	assert.deepEqual(heard.decodeErrors, []);
	assert.ok(heard.duration > 1.5, `${heard.duration} s in the new part`);
});

it('another user plants a symlink where a recording goes: not followed, the recording goes to its next part', {
	skip: process.getuid?.() !== 0 && 'needs root to make a symlink owned by another user',
}, async (t) => {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	mkdirSync(path.join(dir, 'rec'));
	const victim = path.join(dir, 'victim.txt');
	writeFileSync(victim, 'precious data\n');
	symlinkSync(victim, path.join(dir, 'rec', 'show.ogg'));
	lchownSync(path.join(dir, 'rec', 'show.ogg'), 65534, 65534);
	const file = writeProfile(
		dir,
		'planted',
		`name: planted\ninput: { tone: {} }\nsilence: false\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /planted.opus, format: opus }\nrecord:\n  - { path: rec/show.ogg, format: opus }\n`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitForEvent(
		(e) =>
			e.event === 'log' &&
			/show\.ogg belongs to another user: left alone; recording to the next name/.test(String(e.message)),
		'the planted symlink refused',
	);
	await up.waitForEvent(
		(e) => e.event === 'recording' && e.state === 'recording' && String(e.path).endsWith('show-part2.ogg'),
		'the recording in its next part',
	);
	// Two seconds of audio in it (a part under a second is not kept): told by the status, not by the clock.
	await eventually(async () => {
		const status = JSON.parse((await jdcastOnce(['status', '--json', '--socket', up.socket])).stdout) as {
			profiles: { recordings: { path: string; seconds: number }[] }[];
		};
		return status.profiles[0]?.recordings.some((r) => r.path.endsWith('show-part2.ogg') && r.seconds >= 2);
	}, 'two seconds recorded');
	assert.equal(await up.stop('SIGTERM'), 0);
	assert.equal((await analyze(path.join(dir, 'rec', 'show-part2.ogg'))).codec, 'opus');
	assert.equal(readFileSync(victim, 'utf8'), 'precious data\n');
});
