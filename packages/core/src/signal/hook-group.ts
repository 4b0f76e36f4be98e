import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { Clock } from '../util/clock.js';

/** While a run's leader has exited and what it started still runs, the group is looked at this often. */
const LINGER_POLL_MS = 1000;

/** One process as /proc/PID/stat tells it: what a process group is checked with. */
export interface ProcessStat {
	pid: number;
	/** R, S, D…; Z (zombie) and X (dead) have exited. */
	state: string;
	pgrp: number;
	/** Clock ticks after boot: a PID used again starts later. */
	started: string;
}

/** How a run ended: its leader's exit, and whether jdcast ended its group (and why). */
export interface HookEnd {
	exitCode: number | undefined;
	signal: string | undefined;
	/** execa could not start it, or it exited non-zero, or by a signal. */
	failed: boolean;
	/** jdcast ended the group (something of it still ran): it overstayed (`timeout`) or jdcast stopped (`stop`). */
	ended: 'timeout' | 'stop' | undefined;
	/** The leader had exited, and what it left in its group was still running when the group was ended. */
	leftBehind: boolean;
}

/** Every process there is, from /proc (those that end while it is read are skipped). */
export async function readProcessTable(): Promise<ProcessStat[]> {
	const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
	const stats = await Promise.all(
		pids.map(async (pid): Promise<ProcessStat | undefined> => {
			try {
				const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
				// After "pid (comm) ": the comm may hold spaces and parentheses, the fields after it do not.
				const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				return { pid: Number(pid), state: fields[0]!, pgrp: Number(fields[2]), started: fields[19]! };
			} catch {
				// it ended while the table was read
				return undefined;
			}
		}),
	);
	return stats.filter((s) => s !== undefined);
}

/**
 * The live members of process group `pgid` if that group is still the one this run made: a
 * process of the group with the leader's PID must have the leader's start time. A group whose
 * leader is gone keeps its ID while any member lives (Linux hands out no PID still in use as a
 * group's ID), so its members are the run's own; only a group that emptied can come back under
 * the same ID, and then with a leader of another start time, or after the run's timeout.
 */
export function ownMembers(table: readonly ProcessStat[], pgid: number, leaderStarted: string | undefined): number[] {
	const members = table.filter((p) => p.pgrp === pgid && p.state !== 'Z' && p.state !== 'X');
	const leader = members.find((p) => p.pid === pgid);
	if (leader && leader.started !== leaderStarted) return [];
	return members.map((p) => p.pid);
}

export interface HookOptions {
	argv: readonly string[];
	env: Record<string, string>;
	timeoutMs: number;
	clock: Clock;
	/** jdcast stops: the group is ended at once. */
	signal: AbortSignal;
	/** Where the process table is read (a test gives its own). */
	table?: () => Promise<ProcessStat[]>;
}

/**
 * Runs a command in a process group of its own and ends the whole group — the command and
 * everything it started that stayed in the group — when jdcast stops or once `timeoutMs` has
 * passed, even when the command itself has exited and left children behind. Resolves once
 * nothing of the group runs any more (or it was ended). What leaves the group on purpose
 * (setsid, a daemon) is out of reach, as it is for a shell's job control.
 */
export async function runInGroup(o: HookOptions): Promise<HookEnd> {
	const table = o.table ?? readProcessTable;
	const child = execa(o.argv[0]!, o.argv.slice(1), {
		env: o.env,
		extendEnv: false,
		stdio: 'ignore',
		reject: false,
		detached: true,
	});
	const pgid = child.pid;
	// Read at once, while the leader is at least a zombie: its start time tells it from a later process of its PID.
	const leaderStarted =
		pgid === undefined
			? Promise.resolve(undefined)
			: table().then(
					(now) => now.find((p) => p.pid === pgid)?.started,
					() => undefined,
				);
	const members = async () => ownMembers(await table().catch(() => []), pgid!, await leaderStarted);
	let ended: HookEnd['ended'];
	let ending: Promise<void> | undefined;
	let leftBehind = false;
	let killed = false;
	/** Cuts short the wait between two looks at a group its leader left behind. */
	let wake: (() => void) | undefined;
	const end = (why: 'timeout' | 'stop') => {
		if (ended !== undefined || pgid === undefined) return;
		ended = why;
		wake?.();
		ending = members()
			.then((now) => {
				// A leader that has exited (a zombie not yet collected counts) left the rest behind.
				if (now.length === 0) return;
				leftBehind = !now.includes(pgid);
				killed = true;
				process.kill(-pgid, 'SIGKILL');
			})
			.catch(() => {
				// the group ended while it was looked at
			});
	};
	const onStop = () => end('stop');
	const timer = o.clock.setTimeout(() => end('timeout'), o.timeoutMs);
	o.signal.addEventListener('abort', onStop, { once: true });
	if (o.signal.aborted) onStop();
	const result = await child;
	// The leader has exited: what it left in its group runs on until it ends, or the group is ended.
	while (ended === undefined && pgid !== undefined) {
		if ((await members()).length === 0 || ended !== undefined) break;
		await new Promise<void>((resolve) => {
			const poll = o.clock.setTimeout(resolve, LINGER_POLL_MS);
			wake = () => {
				o.clock.clearTimeout(poll);
				resolve();
			};
		});
		wake = undefined;
	}
	o.clock.clearTimeout(timer);
	o.signal.removeEventListener('abort', onStop);
	await ending;
	return {
		exitCode: result.exitCode,
		signal: result.signal,
		failed: result.failed,
		// A group that ended by itself as its time ran out was not ended by jdcast.
		ended: killed ? ended : undefined,
		leftBehind,
	};
}
