import type { TestContext } from 'node:test';
import { startEmbeddedIcecast, type EmbeddedIcecast } from '@jdcast/core';
import { readGraph, startDummyJack, startTestSignal, type DummyJack } from '@jdcast/core/testing';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './env.js';
import { isAlive } from './proc.js';

const SLOTS = 6;
const slotDir = path.join(tmpdir(), 'jdcast-test-jack-slots');

/**
 * A JACK server name no running test uses, from a small fixed pool. JACK keeps at most 8 servers
 * in its registry and reclaims the entry of a dead server only for a server of the same name, so
 * tests reuse names instead of inventing new ones (a killed jackd would otherwise leak a slot).
 */
async function acquireJackName(): Promise<{ name: string; release: () => void }> {
	mkdirSync(slotDir, { recursive: true });
	for (;;) {
		for (let i = 0; i < SLOTS; i++) {
			const lock = path.join(slotDir, `slot-${i}`);
			try {
				writeFileSync(lock, String(process.pid), { flag: 'wx' });
				return { name: `jdtest-${i}`, release: () => rmSync(lock, { force: true }) };
			} catch {
				const owner = Number(readFileSync(lock, { encoding: 'utf8', flag: 'r' }) || 0);
				if (owner && owner !== process.pid && !isAlive(owner)) rmSync(lock, { force: true });
			}
		}
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** A real jackd (dummy backend) under a name of its own, stopped after the test. */
export async function startJack(t: TestContext): Promise<DummyJack> {
	const slot = await acquireJackName();
	try {
		const jack = await startDummyJack(slot.name);
		t.after(async () => {
			await jack.stop();
			slot.release();
		});
		return jack;
	} catch (error) {
		slot.release();
		throw error;
	}
}

/** A real icecast2 on its own port, stopped after the test. */
export async function startIcecast(
	t: TestContext,
	options: {
		port?: number;
		burstOnConnect?: boolean;
		sourcePassword?: string;
		tlsCertificate?: string;
		mounts?: Record<string, { fallback: string }>;
		clients?: number;
	} = {},
): Promise<EmbeddedIcecast> {
	for (let attempt = 1; ; attempt++) {
		try {
			let icecast: EmbeddedIcecast | undefined;
			// A test's server that ends by itself is not what the test is about: said (with its log's last
			// line, for whoever reads the output) and started again, as an operator's supervisor would.
			const onExit = (why: string) => {
				process.stderr.write(`test icecast2 on port ${icecast?.port} stopped by itself (${why}); starting it again\n`);
				void icecast?.restart().catch((error: unknown) => {
					process.stderr.write(`test icecast2 could not start again: ${(error as Error).message}\n`);
				});
			};
			icecast = await startEmbeddedIcecast({ port: options.port ?? (await freePort()), ...options, onExit });
			t.after(() => icecast.stop());
			return icecast;
		} catch (error) {
			if (attempt >= 3 || (error as { code?: string }).code !== 'E_ICECAST_EMBEDDED') throw error;
			// A free port drawn at random can be drawn by a test running beside this one: another draw. A port the
			// test chose (a server started again where it was) is tried again: under a loaded suite icecast2 has,
			// rarely, exited at start there (twice in some 3,000 starts; not reproduced alone).
			process.stderr.write(`test icecast2: ${(error as Error).message}; trying again\n`);
			if (options.port !== undefined) await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

/** jack_simple_client playing its sines (240 Hz left, 720 Hz right) on the given JACK server. */
export async function startSignal(t: TestContext, server: string): Promise<void> {
	const signal = await startTestSignal(server);
	t.after(() => signal.stop());
}

/** Connections into a JACK client, as [from, to] pairs, sorted. */
export async function connectionsOf(server: string, client: string): Promise<[string, string][]> {
	const graph = (await readGraph(server)) ?? [];
	return graph
		.filter((p) => p.client === client && p.direction === 'input')
		.flatMap((p) => p.connections.map((c): [string, string] => [c, p.name]))
		.sort();
}

export async function clientExists(server: string, client: string): Promise<boolean> {
	return ((await readGraph(server)) ?? []).some((p) => p.client === client);
}

/** The sine jack_simple_client plays on its first output: 48000 Hz / a 200-sample table. */
export const SIGNAL_LEFT_HZ = 240;

/** The JACK server's own clock: its frame time now, read with jack_showtime. */
async function jackFrames(server: string): Promise<{ frames: number; at: number }> {
	const { execa } = await import('execa');
	const child = execa('jack_showtime', [], {
		env: { JACK_DEFAULT_SERVER: server, JACK_NO_START_SERVER: '1' },
		reject: false,
		buffer: false,
	});
	const at = await new Promise<{ frames: number; at: number }>((resolve, reject) => {
		let text = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = /frame_time = (\d+)/.exec(text);
			if (match) resolve({ frames: Number(match[1]), at: Date.now() });
		});
		void child.then(() => reject(new Error('jack_showtime printed no frame time')));
	});
	child.kill('SIGKILL');
	return at;
}

/**
 * How fast the dummy JACK server's clock runs against the wall clock, from now on: on a busy
 * machine it falls behind, and a recording holds JACK's seconds, not the wall's.
 */
export async function jackClockRate(server: string): Promise<() => Promise<number>> {
	const start = await jackFrames(server);
	return async () => {
		const now = await jackFrames(server);
		return (now.frames - start.frames) / 48 / Math.max(1, now.at - start.at);
	};
}
