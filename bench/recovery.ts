import type { EmbeddedIcecast } from '@jdcast/core';
import type { ResultPromise } from 'execa';
import { median, timeToFirstByte } from './lib/listen.js';
import type { Tool } from './peers.js';

interface Context {
	icecast: EmbeddedIcecast;
	port: number;
	all: Tool[];
	start(tool: Tool, mounts: string[]): Promise<ResultPromise[]>;
	stop(children: ResultPromise[]): Promise<void>;
}

const OUTAGE_MS = 3000;
const TRIES = Number(process.env.BENCH_RESTARTS ?? 3);
const GIVE_UP_MS = 20_000;

/** icecast2 killed, down 3 s, started again, three times: how long until a listener hears each tool again. */
export async function recoveryBench(c: Context): Promise<{ tool: string; [key: string]: string | number }[]> {
	const url = (m: string) => `http://127.0.0.1:${c.port}${m}`;
	const present = c.all.filter((t) => t.installed);
	const runs = await Promise.all(
		present.map(async (tool, i) => ({
			tool,
			mount: `/recovery${i}.opus`,
			children: await c.start(tool, [`/recovery${i}.opus`]),
			times: [] as number[],
		})),
	);
	await Promise.all(runs.map((r) => timeToFirstByte(url(r.mount), performance.now())));
	await new Promise((r) => setTimeout(r, 1500));
	for (let i = 0; i < TRIES; i++) {
		await c.icecast.kill();
		await new Promise((r) => setTimeout(r, OUTAGE_MS));
		await c.icecast.restart();
		const t0 = performance.now();
		await Promise.all(
			runs.map(async (r) => r.times.push(await timeToFirstByte(url(r.mount), t0, GIVE_UP_MS).catch(() => Infinity))),
		);
		await new Promise((r) => setTimeout(r, 1500));
	}
	const alive = runs.map((r) => r.children.every((ch) => ch.exitCode === null && ch.signalCode === null));
	await Promise.all(runs.map((r) => c.stop(r.children)));
	const seconds = (ms: number) => (Number.isFinite(ms) ? +(ms / 1000).toFixed(3) : 'never');
	return [
		...runs.map((r, i) => ({
			tool: r.tool.name,
			'each try s': r.times.map(seconds).join(', '),
			'median s': seconds(median(r.times)),
			'back on air': `${r.times.filter(Number.isFinite).length}/${TRIES}`,
			'still running': alive[i] ? 'yes' : 'no (exited)',
		})),
		...c.all.filter((t) => !t.installed).map((t) => ({ tool: t.name, 'each try s': 'not installed' })),
	];
}
