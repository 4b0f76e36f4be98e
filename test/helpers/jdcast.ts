import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { connectController, type StatusSnapshot } from '@jdcast/core';
import { NODE_FLAGS } from '../../packages/cli/src/node-flags.js';
import { eventually } from './env.js';

const bin = new URL('../../packages/cli/bin/jdcast.mjs', import.meta.url).pathname;

export type JdcastEvent = {
	event: string;
	profile?: string;
	server?: string;
	mount?: string;
	state?: string;
	[key: string]: unknown;
};

export interface RunningJdcast {
	child: ChildProcess;
	/** Its control socket, for `jdcast start|stop|handover|… --socket`. */
	socket: string;
	events: JdcastEvent[];
	stderr: () => string;
	/** Resolves with the first event (past or future) that matches; fails at once if jdcast exits first. */
	waitForEvent(match: (e: JdcastEvent) => boolean, what: string, timeoutMs?: number): Promise<JdcastEvent>;
	/**
	 * Resolves with the first `count` events that match among those from index `from` of `events` on:
	 * a window of time told by what jdcast did (retries, stats lines) rather than by a clock.
	 */
	waitForEvents(
		match: (e: JdcastEvent) => boolean,
		count: number,
		what: string,
		options?: { from?: number; timeoutMs?: number },
	): Promise<JdcastEvent[]>;
	/** `eventually` about this jdcast: fails at once, with its exit code and stderr, if it exits first. */
	eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
	/** What its control socket says now (`jdcast status --json`, without starting a process). */
	status(): Promise<StatusSnapshot>;
	/** Waits until every listed mount has an `output` event with state live (latest state). */
	waitLive(mounts: string[], timeoutMs?: number): Promise<void>;
	/** The latest state of an output. */
	outputState(mount: string, server?: string): string | undefined;
	/** Sends a signal and resolves with the exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	/** Resolves with the exit code once jdcast has exited and every line it printed has been read. */
	exited: Promise<number | null>;
}

/** `jdcast up --json FILES...` as a real child process; killed after the test whatever happens. */
export function runUp(t: TestContext, files: string[], env: NodeJS.ProcessEnv = {}): RunningJdcast {
	return runJdcast(t, ['up', '--json', ...files], env);
}

/** A control socket of the test's own (tests run in parallel, each `jdcast up` needs its own). */
export function socketFor(t: TestContext): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-sock-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	return path.join(dir, 'control.sock');
}

export function runJdcast(t: TestContext, args: string[], env: NodeJS.ProcessEnv = {}): RunningJdcast {
	// A test that names its own socket (JDCAST_SOCKET) gets a handle on that one.
	const socket = env.JDCAST_SOCKET ?? socketFor(t);
	const child = spawn(process.execPath, [...NODE_FLAGS, bin, ...args], {
		env: { ...process.env, JDCAST_SOCKET: socket, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const events: JdcastEvent[] = [];
	let err = '';
	let partial = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (text: string) => {
		const lines = (partial + text).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as JdcastEvent);
	});
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (text: string) => (err += text));
	// 'close', not 'exit': after 'exit' the last lines jdcast printed may still be in the pipe.
	const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	const outputState = (mount: string, server?: string) =>
		events
			.filter((e) => e.event === 'output' && e.mount === mount && (server === undefined || e.server === server))
			.at(-1)?.state;
	const watched = { child, exited, stderr: () => err };
	const about = <T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000) =>
		eventually(check, what, timeoutMs, { process: watched });
	return {
		child,
		socket,
		events,
		stderr: () => err,
		exited,
		waitForEvent: (match, what, timeoutMs = 20_000) => about(() => events.find(match), what, timeoutMs),
		waitForEvents: (match, count, what, { from = 0, timeoutMs = 20_000 } = {}) =>
			about(
				() => {
					const found = events.slice(from).filter(match);
					return found.length >= count ? found.slice(0, count) : undefined;
				},
				`${count} × ${what}`,
				timeoutMs,
			),
		eventually: about,
		status: () => connectController(socket).status(),
		waitLive: async (mounts, timeoutMs = 20_000) => {
			await about(() => mounts.every((m) => outputState(m) === 'live'), `${mounts.join(', ')} live`, timeoutMs).catch(
				(error: Error) => {
					// Said when it times out: what each output went through, and what jdcast logged.
					const seen = events.filter((e) => e.event === 'output' || e.event === 'log' || e.event === 'profile');
					throw new Error(
						`${error.message}; jdcast said ${JSON.stringify(seen.slice(-15))}; stderr: ${err.slice(-500)}`,
					);
				},
			);
		},
		outputState,
		stop: async (signal = 'SIGINT') => {
			child.kill(signal);
			return exited;
		},
	};
}

/**
 * When the encoder's audio began, as well as the outside can tell: between ffmpeg's start and
 * its first bytes (ffmpeg holds the first ~0.1–0.3 s of audio while it starts encoding).
 */
export async function audioStartedAt(up: RunningJdcast): Promise<number> {
	const spawned = await up.waitForEvent((e) => e.event === 'encoder' && e.running === true, 'the encoder');
	const running = await up.waitForEvent((e) => e.event === 'profile' && e.state === 'running', 'the profile running');
	return (Date.parse(String(spawned.time)) + Date.parse(String(running.time))) / 2;
}

/** Writes a profile file (mode 600) into `dir` and returns its path. */
export function writeProfile(dir: string, name: string, text: string): string {
	const file = path.join(dir, `${name}.yaml`);
	writeFileSync(file, text, { mode: 0o600 });
	return file;
}

/** One `jdcast COMMAND …` run to its end: exit code and output. */
export async function jdcastOnce(
	args: string[],
	env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const child = spawn(process.execPath, [...NODE_FLAGS, bin, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	return { code, stdout, stderr };
}
