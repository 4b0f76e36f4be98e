import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { execa } from 'execa';
import { eventually, tempDir } from './helpers/env.js';
import { jdcastOnce, runUp, writeProfile, type RunningJdcast } from './helpers/jdcast.js';
import { processes } from './helpers/proc.js';
import { serverEntry } from './helpers/profile.js';
import { startIcecast } from './helpers/services.js';

let counter = 0;
/** `sleep` for 3000-and-a-bit seconds: a number no other process of the machine sleeps, to find ours by. */
const marker = () => `3000.${process.pid}${++counter}`;

/** Live processes whose command line holds the marker (zombies have none). */
const marked = (mark: string) => processes().filter((p) => p.argv.some((a) => a.includes(mark)));
const sleeping = (mark: string) => marked(mark).filter((p) => p.argv[0] === 'sleep');

/** A WAV of `pattern` (seconds of tone, then of silence, …), looped by ffmpeg as the profile's input. */
async function wav(dir: string, pattern: number[]): Promise<string> {
	const file = path.join(dir, 'input.wav');
	const parts = pattern.map(
		(seconds, i) => `aevalsrc=${i % 2 === 0 ? '0.2*sin(2*PI*440*t)' : '0'}:d=${seconds}:s=48000`,
	);
	const graph = `${parts.map((p, i) => `${p}[a${i}]`).join(';')};${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1`;
	await execa('ffmpeg', ['-v', 'error', '-filter_complex', graph, '-ac', '2', '-y', file]);
	return file;
}

/** `jdcast up` of one Opus stream from a looped file, with `silence` settings as given. */
async function upWithHook(t: TestContext, input: number[], silence: string): Promise<RunningJdcast> {
	const icecast = await startIcecast(t);
	const dir = tempDir(t);
	const file = writeProfile(
		dir,
		'hooks',
		`input:\n  file: { path: ${await wav(dir, input)}, loop: true }\nservers:\n${serverEntry('main', icecast.port)}streams:\n  - { mount: /hooks.opus, format: opus }\nsilence:\n${silence}`,
	);
	const up = runUp(t, [file], { JD_TEST_PW: icecast.sourcePassword.reveal() });
	await up.waitLive(['/hooks.opus']);
	return up;
}

it('silence.run forks a child and exits: once jdcast stops, nothing of it is left', async (t) => {
	const mark = marker();
	const up = await upWithHook(t, [0.1, 30], `  after: 0.5\n  run: [sh, -c, "(sleep ${mark} &); exit 0"]\n`);
	await up.waitForEvent((e) => e.event === 'silence' && e.state === 'started', 'dead air');
	// The shell has exited (its command line held the marker too): its child alone is left, outside any wait.
	await eventually(() => marked(mark).length === 1 && sleeping(mark).length === 1, 'the run exited, its child left');
	assert.equal(await up.stop('SIGINT'), 0);
	await eventually(() => marked(mark).length === 0, 'nothing with the marker after jdcast stopped', 5000).catch(
		(error: Error) => {
			for (const p of sleeping(mark)) process.kill(p.pid, 'SIGKILL');
			throw error;
		},
	);
});

it('an input that flaps, and silence.run hangs every time: never more than 2 runs alive, all gone at the stop', async (t) => {
	const mark = marker();
	const up = await upWithHook(t, [1.2, 1.2], `  after: 0.5\n  run: [sh, -c, "exec sleep ${mark}"]\n`);
	let most = 0;
	const sample = setInterval(() => (most = Math.max(most, sleeping(mark).length)), 50);
	t.after(() => clearInterval(sample));
	// Four silences (eight events, each starting a run that hangs): twice the cap and more.
	await eventually(() => up.events.filter((e) => e.event === 'silence').length >= 8, 'eight silence events', 60_000);
	clearInterval(sample);
	most = Math.max(most, sleeping(mark).length);
	assert.equal(sleeping(mark).length, 2, 'two runs hang, the others wait');
	const said = up.events.filter((e) => e.event === 'log' && /runs still going/.test(String(e.message)));
	assert.equal(said.length, 1, 'said once');
	assert.match(String(said[0]!.message), /silence\.run sh: 2 runs still going; later silence events wait/);
	assert.equal(await up.stop('SIGINT'), 0);
	await eventually(() => marked(mark).length === 0, 'nothing with the marker after jdcast stopped', 5000).catch(
		(error: Error) => {
			for (const p of sleeping(mark)) process.kill(p.pid, 'SIGKILL');
			throw error;
		},
	);
	t.diagnostic(`at most ${most} runs alive at once`);
	assert.ok(most <= 2, `at most 2 runs alive at once (${most})`);
});

it('a reload refused for the schedule says it is the schedule, where, and what to write on a daylight-saving night', async (t) => {
	const dir = tempDir(t);
	const profile = writeProfile(
		dir,
		'night',
		`input: { tone: {} }\nservers:\n${serverEntry('main', 9)}streams:\n  - { mount: /live.opus, format: opus, shared: true }\n`,
	);
	const schedule = path.join(dir, 'schedule.yaml');
	writeFileSync(
		schedule,
		'timezone: Europe/Berlin\nslots:\n  - { profile: night, start: "2030-01-01T20:00", end: "2030-01-01T22:00" }\n',
	);
	const up = runUp(t, ['--schedule', schedule, profile], { JD_TEST_PW: 'unused' });
	await eventually(async () => (await jdcastOnce(['status', '--socket', up.socket])).code === 0, 'jdcast up answering');

	// Next year's daylight-saving nights in Berlin (the last Sundays of March and October): always ahead.
	const year = new Date().getUTCFullYear() + 1;
	const spring = lastSunday(year, 3);
	const autumn = lastSunday(year, 10);
	writeFileSync(
		schedule,
		`timezone: Europe/Berlin\nslots:\n  - { profile: night, start: "${spring}T02:00", end: "${spring}T04:00" }\n`,
	);
	const refused = await jdcastOnce(['reload', '--socket', up.socket]);
	assert.equal(refused.code, 1);
	assert.match(
		refused.stderr,
		/^jdcast: the reload was refused: the schedule is invalid; everything keeps running as it was$/m,
	);
	assert.match(
		refused.stderr,
		new RegExp(
			`^${schedule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:30: slots\\[0\\]\\.start: ${spring}T02:00 does not exist in Europe/Berlin: the clocks go from 02:00 to 03:00 that night; write a time before 02:00 or from 03:00 on`,
			'm',
		),
	);

	writeFileSync(
		schedule,
		`timezone: Europe/Berlin\nslots:\n  - { profile: night, start: "${autumn}T02:15", end: "${autumn}T04:00" }\n`,
	);
	const twice = await jdcastOnce(['reload', '--socket', up.socket]);
	assert.equal(twice.code, 1);
	assert.match(twice.stderr, /the schedule is invalid/);
	assert.match(
		twice.stderr,
		new RegExp(
			`:3:30: slots\\[0\\]\\.start: ${autumn}T02:15 happens twice in Europe/Berlin: .* ${autumn}T02:15\\+02:00 \\(the first time\\) or ${autumn}T02:15\\+01:00 \\(the second\\)`,
		),
	);

	writeFileSync(
		schedule,
		`timezone: Europe/Berlin\nslots:\n  - { profile: night, start: "${autumn}T02:15+01:00", end: "${autumn}T04:00" }\n`,
	);
	const taken = await jdcastOnce(['reload', '--socket', up.socket]);
	assert.equal(taken.code, 0, taken.stderr);
	assert.equal(await up.stop('SIGINT'), 0);
});

/** The date of the last Sunday of a month (1–12) of a year, as YYYY-MM-DD. */
function lastSunday(year: number, month: number): string {
	const last = new Date(Date.UTC(year, month, 0));
	last.setUTCDate(last.getUTCDate() - last.getUTCDay());
	return last.toISOString().slice(0, 10);
}
