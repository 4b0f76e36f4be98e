import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedIcecast } from '@jdcast/core';
import { readGraph } from '@jdcast/core/testing';
import type { ResultPromise } from 'execa';
import { median, timeToFirstByte } from './lib/listen.js';

interface Context {
	dir: string;
	cli: string;
	env: Record<string, string>;
	port: number;
	icecast: EmbeddedIcecast;
	password: string;
	startJdcast(file: string): ResultPromise;
	startBareFfmpeg(client: string, mount: string): ResultPromise;
	stop(child: ResultPromise): Promise<void>;
	connectSignal(client: string): Promise<void>;
}

const OUTAGE_MS = 3000;
const TRIES = Number(process.env.BENCH_RESTARTS ?? 3);

async function connections(client: string): Promise<string> {
	const graph = (await readGraph('jdcast-bench')) ?? [];
	return JSON.stringify(graph.filter((p) => p.client === client).map((p) => [p.name, p.connections]));
}

/** icecast2 killed, down 3 s, started again: how long until a listener hears each tool again. */
export async function recoveryBench(c: Context): Promise<{ tool: string; [key: string]: string | number }[]> {
	const file = path.join(c.dir, 'recovery.yaml');
	writeFileSync(file, `name: recovery\ninput:\n  jack: { client: jd_recovery, server: jdcast-bench, connect: [jack_simple_client] }\nservers:\n  main: { host: 127.0.0.1, port: ${c.port}, password_env: BENCH_PW }\nstreams:\n  - { mount: /recovery.opus, format: opus }\n`, { mode: 0o600 });
	const jd = c.startJdcast(file);
	const old = c.startBareFfmpeg('old_recovery', '/old-recovery.opus');
	await c.connectSignal('old_recovery');
	const url = (m: string) => `http://127.0.0.1:${c.port}${m}`;
	await timeToFirstByte(url('/recovery.opus'), performance.now());
	await timeToFirstByte(url('/old-recovery.opus'), performance.now());
	await new Promise((r) => setTimeout(r, 1500));
	const before = await connections('jd_recovery');

	const jdTimes: number[] = [];
	let oldBack = 0;
	for (let i = 0; i < TRIES; i++) {
		await c.icecast.kill();
		await new Promise((r) => setTimeout(r, OUTAGE_MS));
		await c.icecast.restart();
		const t0 = performance.now();
		const [jdMs, oldMs] = await Promise.all([
			timeToFirstByte(url('/recovery.opus'), t0, 20_000),
			timeToFirstByte(url('/old-recovery.opus'), t0, 5_000).catch(() => undefined),
		]);
		jdTimes.push(jdMs);
		if (oldMs !== undefined) oldBack++;
		await new Promise((r) => setTimeout(r, 1500));
	}
	const after = await connections('jd_recovery');
	const oldAlive = old.exitCode === null && old.signalCode === null;
	await c.stop(jd);
	await c.stop(old);
	return [
		{ tool: 'jdcast', 'median s': +(median(jdTimes) / 1000).toFixed(3), 'max s': +(Math.max(...jdTimes) / 1000).toFixed(3), 'back on air': `${jdTimes.length}/${TRIES}`, 'JACK connections kept': before === after ? 'yes' : 'no', 'encoder restarted': 'no' },
		{ tool: 'bare ffmpeg (old way)', 'median s': 'never', 'max s': 'never', 'back on air': `${oldBack}/${TRIES}`, 'JACK connections kept': oldAlive ? 'yes' : 'no (ffmpeg exited)', 'encoder restarted': oldAlive ? 'no' : 'exited' },
	];
}
