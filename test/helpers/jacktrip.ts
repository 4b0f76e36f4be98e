import type { TestContext } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { connectPorts } from '@jdcast/core/testing';
import { eventually, freePort } from './env.js';
import { clientExists, connectionsOf } from './services.js';

export interface JackTripProcess {
	/** Ends it as a person's Ctrl-C does (SIGTERM: it tells its peer it is leaving). */
	stop(): Promise<void>;
	output(): string;
	exited: Promise<unknown>;
}

/** One `jacktrip` on a JACK server, with `args`; ended after the test. Resolves once it printed `ready`. */
export async function startJackTrip(
	t: TestContext,
	server: string,
	args: string[],
	ready: RegExp,
): Promise<JackTripProcess> {
	const child: ResultPromise = execa('jacktrip', args, {
		env: { JACK_DEFAULT_SERVER: server, JACK_NO_START_SERVER: '1' },
		reject: false,
		all: true,
		buffer: false,
		stdin: 'ignore',
	});
	let text = '';
	child.all!.setEncoding('utf8');
	child.all!.on('data', (chunk: string) => {
		text += chunk;
	});
	const stop = async () => {
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await child;
		clearTimeout(timer);
	};
	t.after(stop);
	await eventually(
		() => {
			if (child.exitCode !== null) throw new Error(`jacktrip ${args.join(' ')} exited: ${text}`);
			return ready.test(text);
		},
		`jacktrip ${args.join(' ')} to say ${ready}`,
		20_000,
	);
	return { stop, output: () => text, exited: child };
}

/** Resolves once a JackTrip has ended of itself (its peer left); fails the test if it is still there after 20 s. */
export async function ended(process: JackTripProcess): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`JackTrip did not end within 20 s: ${process.output().slice(-400)}`)),
			20_000,
		);
	});
	await Promise.race([process.exited, late]).finally(() => clearTimeout(timer));
}

/** The broadcasting side's `jacktrip -s` (peer-to-peer server) on `port`. */
export function jackTripServer(t: TestContext, server: string, port: number): Promise<JackTripProcess> {
	return startJackTrip(t, server, ['-s', '--bindport', String(port), '-q', '4'], /Waiting for Connection/);
}

/** The broadcasting side's hub, `jacktrip -S`, on `port` (and UDP ports from `udpBase`). */
export async function jackTripHub(t: TestContext, server: string, port: number): Promise<JackTripProcess> {
	return startJackTrip(
		t,
		server,
		['-S', '-B', String(port), '-U', String(await freePort()), '-q', '4'],
		/Waiting for client connections/,
	);
}

/**
 * A musician on JACK server `server` joining the broadcasting side: peer-to-peer (`-c`) or a hub
 * (`-C`, as `name`), their JackTrip client named `local`, and `sends` (their instrument's ports)
 * connected to what they send. Resolves once JackTrip says the peer is there and the sends are in.
 */
export async function joinAsPeer(
	t: TestContext,
	server: string,
	options: { port: number; hub?: string; local: string; sends: [string, string] },
): Promise<JackTripProcess> {
	const args = options.hub
		? ['-C', '127.0.0.1', '-P', String(options.port), '-K', options.hub]
		: ['-c', '127.0.0.1', '-P', String(options.port)];
	const peer = await startJackTrip(
		t,
		server,
		[...args, '-B', String(await freePort()), '-q', '4', '-J', options.local],
		/Received Connection from Peer/,
	);
	await eventually(() => clientExists(server, options.local), `${options.local} in the peer's JACK graph`);
	// Checked in the graph: jack_connect also fails for a connection an earlier try made.
	for (const [i, from] of options.sends.entries()) {
		const to = `${options.local}:send_${i + 1}`;
		await eventually(async () => {
			await connectPorts(from, to, server);
			return (await connectionsOf(server, options.local)).some(([a, b]) => a === from && b === to);
		}, `${from} into JackTrip`);
	}
	return peer;
}
