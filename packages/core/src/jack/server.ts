import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pRetry from 'p-retry';
import { execa, type ResultPromise } from 'execa';
import { JdcastError } from '../errors/index.js';
import { dieWithParent, terminate as terminate_, untilReady } from '../util/process.js';
import { jackEnv, readGraph } from './cli.js';

export interface DummyJack {
	name: string;
	pid: number;
	/** Stops jackd (SIGTERM, then SIGKILL). */
	stop(): Promise<void>;
	/** Kills it hard: for tests of a JACK outage. */
	kill(): Promise<void>;
	/** Starts it again under the same name. */
	restart(): Promise<void>;
}

/**
 * A jackd with the dummy backend (no audio hardware): for `jdcast demo` and the integration
 * tests. Clients reach it with JACK_DEFAULT_SERVER=name. Not realtime: a realtime dummy server
 * on a busy machine zombifies clients that miss a cycle (the test signal went silent).
 */
export async function startDummyJack(
	name: string,
	options: { rate?: number; period?: number } = {},
): Promise<DummyJack> {
	let child: ResultPromise | undefined;
	let stderr = '';
	const launch = async () => {
		stderr = '';
		const [file, args] = dieWithParent('jackd', [
			'--no-realtime',
			'-n',
			name,
			'-d',
			'dummy',
			'-r',
			String(options.rate ?? 48000),
			'-p',
			String(options.period ?? 1024),
		]);
		child = execa(file, args, {
			stdio: ['ignore', 'pipe', 'pipe'],
			buffer: false,
			reject: false,
			detached: true,
			forceKillAfterDelay: 2000,
			...jackEnv(undefined),
		});
		child.catch(() => {});
		child.stdout?.resume();
		child.stderr?.on('data', (chunk: Buffer) => {
			if (stderr.length < 4096) stderr += chunk.toString();
		});
		await untilReady(child, async () => (await readGraph(name)) !== undefined, {
			what: `jackd -n ${name}`,
			intervalMs: 50,
			exited: () => new JdcastError('E_JACK_START', `jackd -n ${name} exited at start${whyJackdExited(stderr)}`),
		});
	};
	const terminate = (signal: 'SIGTERM' | 'SIGKILL') => terminate_(child, signal);
	await launchWithRetry(launch);
	return {
		name,
		get pid() {
			return child?.pid ?? 0;
		},
		stop: async () => {
			await terminate('SIGTERM');
			await removeLeftovers(name);
		},
		kill: () => terminate('SIGKILL'),
		restart: () => launchWithRetry(launch),
	};
}

/** jackd's own reason, without its banner and buffer chatter. */
function whyJackdExited(stderr: string): string {
	const noise =
		/^(jackdmp|Copyright|jackdmp comes|This is free|under certain|no message buffer|JACK server starting|self-connect-mode)/;
	const lines = stderr
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => l && !noise.test(l));
	return lines.length ? `: ${lines.slice(-2).join('; ')}` : '';
}

/**
 * Two jackd starting at the same moment can trip over JACK's shared registry; a second try a
 * moment later succeeds. A server name in use, or all of JACK's 8 server slots taken, fails on.
 */
function launchWithRetry(launch: () => Promise<void>): Promise<void> {
	return pRetry(launch, { retries: 2, minTimeout: 100, maxTimeout: 500, randomize: true });
}

/** jackd leaves its semaphores and sockets in /dev/shm; ours go with the server. */
async function removeLeftovers(name: string): Promise<void> {
	const entries = await readdir('/dev/shm').catch(() => [] as string[]);
	const ours = entries.filter((e) => e.startsWith(`jack_sem.0_${name}_`) || e.startsWith(`jack_${name}_`));
	await Promise.all(ours.map((e) => rm(path.join('/dev/shm', e), { force: true })));
}

/**
 * A test signal in the JACK graph: `jack_simple_client` (from jackd2) registers
 * `jack_simple_client:output1/2` and plays a sine. Returns a function that stops it.
 */
export async function startTestSignal(
	server: string | undefined,
): Promise<{ client: string; stop: () => Promise<void> }> {
	// KILL: jack_simple_client closes its JACK client on SIGTERM, and hangs there when jackd went first.
	const [file, args] = dieWithParent('jack_simple_client', [], { signal: 'KILL' });
	const child = execa(file, args, {
		...jackEnv(server),
		stdio: 'ignore',
		reject: false,
		detached: true,
		forceKillAfterDelay: 2000,
	});
	await untilReady(child, async () => (await readGraph(server))?.some((p) => p.client === 'jack_simple_client'), {
		what: 'jack_simple_client',
		intervalMs: 50,
		exited: () => new JdcastError('E_JACK_SIGNAL', 'jack_simple_client exited at start: is the JACK server running?'),
	});
	return { client: 'jack_simple_client', stop: () => terminate_(child, 'SIGTERM') };
}
