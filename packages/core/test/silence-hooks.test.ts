import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it, type TestContext } from 'node:test';
import { type Clock, realClock } from '../src/util/clock.js';
import type { SilenceConfig } from '../src/profile/types.js';
import { ownMembers, type ProcessStat } from '../src/signal/hook-group.js';
import { MAX_RUNS, SilenceAlarm } from '../src/signal/silence-alarm.js';
import type { SilenceEvent } from '../src/status/types.js';

let counter = 0;
/** `sleep` for 3000-and-a-bit seconds: a number no other process of the machine sleeps, to find ours by. */
const marker = () => `3000.${process.pid}${++counter}`;

/** PIDs of live processes whose command line holds MARKER (zombies have none): `sleep MARKER` only, with `sleepOnly`. */
function sleepers(mark: string, sleepOnly = true): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (sleepOnly ? argv[0] === 'sleep' && argv[1] === mark : argv.some((a) => a.includes(mark)))
				found.push(Number(entry));
		} catch {
			// gone while looked at
		}
	}
	return found;
}

/** The real setTimeout, kept before any test mocks it: the processes under test live in real time. */
const realSetTimeout = globalThis.setTimeout;

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => realSetTimeout(resolve, 20));
	}
}

const event = (state: 'started' | 'ended', seconds = 1): SilenceEvent => ({
	profile: 'night',
	state,
	seconds,
	since: new Date(0).toISOString(),
});

function alarm(t: TestContext, run: string[], extra: Partial<SilenceConfig> = {}, clock: Clock = realClock) {
	const logs: string[] = [];
	const stop = new AbortController();
	const config: SilenceConfig = { threshold: -50, after: 1, action: 'alarm', takeBack: 3, run, ...extra };
	const it = new SilenceAlarm(config, (_level, message) => logs.push(message), stop.signal, clock);
	t.after(() => stop.abort());
	return { alarm: it, logs, stop };
}

it('a run that forks and exits leaves nothing once jdcast stops: its whole process group is ended', async (t) => {
	const mark = marker();
	const { alarm: a, stop } = alarm(t, ['sh', '-c', `(sleep ${mark} &); exit 0`]);
	a.raise(event('started'));
	await until(() => sleepers(mark).length === 1, 'the run’s child');
	// The leader (the group's first process) exited and collected: only the child it left holds the group.
	const stat = readFileSync(`/proc/${sleepers(mark)[0]}/stat`, 'utf8');
	const leader = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
	await until(() => !existsSync(`/proc/${leader}`), 'the leader gone, its child still there');
	assert.equal(sleepers(mark).length, 1);
	assert.equal(a.runs, 1, 'a run lasts while what it started runs');
	stop.abort();
	await until(() => sleepers(mark).length === 0, 'nothing of the run left after the stop');
	await until(() => a.runs === 0, 'the run over');
});

it('what a run left behind is ended at silence.run_timeout, said in one line', async (t) => {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
	const mark = marker();
	const clock: Clock = { ...realClock, monotonic: () => Date.now() };
	const { alarm: a, logs } = alarm(t, ['sh', '-c', `(sleep ${mark} &); exit 0`], { runTimeout: 5 }, clock);
	a.raise(event('started'));
	await until(
		() => sleepers(mark).length === 1 && sleepers(mark, false).length === 1,
		'the leader gone, its child left',
	);
	t.mock.timers.tick(4999);
	assert.equal(sleepers(mark).length, 1, 'not before its time');
	t.mock.timers.tick(1);
	await until(() => sleepers(mark).length === 0, 'the group ended at the timeout');
	await until(() => a.runs === 0 && logs.length === 1, 'the line that says it');
	assert.deepEqual(logs, [
		'silence.run sh exited, but what it started was still running after 5 s: its process group was ended',
	]);
});

it('an input that flaps: never more than the cap of runs alive, the newest waiting event runs next, said once', async (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-hooks-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	const mark = marker();
	const seen = path.join(dir, 'events');
	// Each run notes its event, then hangs (a webhook script waiting on a dead server).
	const {
		alarm: a,
		logs,
		stop,
	} = alarm(t, ['sh', '-c', `echo "$JDCAST_EVENT $JDCAST_SECONDS" >> ${seen}; exec sleep ${mark}`]);
	let most = 0;
	const sample = setInterval(() => (most = Math.max(most, sleepers(mark).length)), 10);
	t.after(() => clearInterval(sample));
	for (let i = 1; i <= 10; i++) a.raise(event(i % 2 ? 'started' : 'ended', i));
	await until(() => sleepers(mark).length === MAX_RUNS, 'the first runs hanging');
	assert.equal(a.runs, MAX_RUNS);
	// One of them ends (killed from outside): the newest of the events that waited runs, and only it.
	process.kill(sleepers(mark)[0]!, 'SIGKILL');
	await until(() => readFileSync(seen, 'utf8').trim().split('\n').length === 3, 'the waiting event run');
	await until(() => sleepers(mark).length === MAX_RUNS, 'two hanging again');
	assert.deepEqual(readFileSync(seen, 'utf8').trim().split('\n'), [
		'silence-started 1',
		'silence-ended 2',
		'silence-ended 10',
	]);
	assert.equal(logs.filter((l) => /runs still going/.test(l)).length, 1, logs.join('\n'));
	assert.match(logs[0]!, /^silence\.run sh: 2 runs still going; later silence events wait for one to end/);
	stop.abort();
	await until(() => sleepers(mark).length === 0 && a.runs === 0, 'nothing left after the stop');
	clearInterval(sample);
	assert.ok(most <= MAX_RUNS, `at most ${MAX_RUNS} runs alive at once (${most})`);
});

it('a process group whose ID came back with another leader is not ours to end', () => {
	const table: ProcessStat[] = [
		{ pid: 500, state: 'S', pgrp: 500, started: '900' },
		{ pid: 501, state: 'S', pgrp: 500, started: '901' },
		{ pid: 502, state: 'Z', pgrp: 500, started: '901' },
		{ pid: 600, state: 'S', pgrp: 600, started: '100' },
	];
	assert.deepEqual(ownMembers(table, 500, '900'), [500, 501], 'the leader that started it, and its children');
	assert.deepEqual(ownMembers(table, 500, '100'), [], 'PID 500 is another process now: hands off');
	assert.deepEqual(ownMembers(table.slice(1), 500, '900'), [501], 'the leader gone, what it left is ours');
	assert.deepEqual(ownMembers(table, 700, '900'), [], 'an empty group: nothing to end');
});
