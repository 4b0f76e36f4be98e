/**
 * A frozen primary (jdcast stopped with SIGSTOP) and a backup jdcast with `failover: { after: 3s }`
 * on one shared Opus mount with a fallback: how long from the freeze until the backup is on air, and
 * what listeners miss; beside what Icecast does alone (its source-timeout: the frozen source dropped,
 * listeners on the fallback, nobody on the mount). Run by `npm run bench`, or alone:
 * `node --import tsx bench/failover.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedIcecast } from '@jdcast/core';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { median } from './lib/listen.js';
import { NODE_FLAGS } from '../packages/cli/src/node-flags.js';

const root = new URL('..', import.meta.url).pathname;
const cli = path.join(root, 'packages/cli/bin/jdcast.mjs');
const RUNS = Number(process.env.BENCH_FAILOVERS ?? 3);

interface Event {
	event: string;
	time: string;
	mount?: string;
	state?: string;
	took?: boolean;
	gapSeconds?: number;
}

function profile(dir: string, name: string, hz: number, port: number, extra: string): string {
	const file = path.join(dir, `${name}.yaml`);
	writeFileSync(
		file,
		`name: ${name}\ninput: { tone: { frequency: ${hz} } }\nsilence: false\nservers:\n  s:\n    host: 127.0.0.1\n    port: ${port}\n    password_env: PW\n${extra}streams:\n  - { mount: /live.opus, format: opus, shared: true }\n`,
	);
	return file;
}

/** `jdcast up --json` and its events as they come. */
function up(
	files: string[],
	env: Record<string, string>,
): { child: ResultPromise; events: Event[]; next: (f: (e: Event) => boolean) => Promise<Event> } {
	const child = execa(process.execPath, [...NODE_FLAGS, cli, 'up', '--json', ...files], {
		// Each its own control socket: two jdcast on one machine, as two machines would be.
		env: {
			...process.env,
			...env,
			JDCAST_SOCKET: path.join(path.dirname(files[0]!), `${path.basename(files[0]!)}.sock`),
		},
		reject: false,
		buffer: false,
	});
	const events: Event[] = [];
	const waiters = new Set<() => void>();
	let partial = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (text: string) => {
		const lines = (partial + text).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Event);
		for (const wake of waiters) wake();
	});
	const next = (f: (e: Event) => boolean) =>
		new Promise<Event>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), 30_000);
			const check = () => {
				const found = events.find(f);
				if (!found) return;
				clearTimeout(timer);
				waiters.delete(check);
				resolve(found);
			};
			waiters.add(check);
			check();
		});
	return { child, events, next };
}

/** Seconds from `t0` (epoch ms) until the mount has no source in Icecast's status (the frozen one dropped). */
async function untilDropped(port: number, t0: number): Promise<number> {
	for (;;) {
		const status = (await (await fetch(`http://127.0.0.1:${port}/status-json.xsl`)).json()) as {
			icestats: { source?: { listenurl: string } | { listenurl: string }[] };
		};
		const sources = [status.icestats.source ?? []].flat();
		if (!sources.some((s) => s.listenurl.endsWith('/live.opus'))) return (Date.now() - t0) / 1000;
		await new Promise((r) => setTimeout(r, 100));
	}
}

export async function failoverBench(): Promise<{ tool: string; [key: string]: string | number }[]> {
	const port = await getPort({ host: '127.0.0.1' });
	const icecast = await startEmbeddedIcecast({ port, mounts: { '/live.opus': { fallback: '/autodj.opus' } } });
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-bench-failover-'));
	const env = { PW: icecast.sourcePassword.reveal() };
	const onAir: number[] = [];
	const missed: number[] = [];
	const alone: number[] = [];
	try {
		for (let run = 0; run < RUNS; run++) {
			for (const backup of [true, false]) {
				const primary = up([profile(dir, 'primary', 440, port, '')], env);
				await primary.next((e) => e.event === 'output' && e.state === 'live');
				const failover = '    mounts:\n      /live.opus: { failover: { after: 3s } }\n';
				const second = backup ? up([profile(dir, 'backup', 880, port, failover)], env) : undefined;
				await second?.next((e) => e.event === 'output' && e.state === 'waiting');
				const t0 = Date.now();
				primary.child.kill('SIGSTOP');
				if (second) {
					const live = await second.next((e) => e.event === 'output' && e.state === 'live');
					const took = await second.next((e) => e.event === 'failover' && e.took === true);
					onAir.push((Date.parse(live.time) - t0) / 1000);
					missed.push(took.gapSeconds ?? Number.NaN);
				} else alone.push(await untilDropped(port, t0));
				for (const child of [primary.child, second?.child]) {
					child?.kill('SIGKILL');
					await child;
				}
			}
		}
	} finally {
		await icecast.stop();
		rmSync(dir, { recursive: true, force: true });
	}
	const s = (values: number[]) => +median(values).toFixed(2);
	return [
		{
			tool: 'jdcast backup, failover after 3 s',
			'frozen → on air again (s)': s(onAir),
			'listeners miss (s)': s(missed),
		},
		{
			tool: 'Icecast alone (source-timeout 10 s): the frozen source dropped, listeners to the fallback',
			'frozen → on air again (s)': 'never (nobody takes the mount)',
			'listeners miss (s)': s(alone),
		},
	];
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const row of await failoverBench()) process.stdout.write(`${JSON.stringify(row)}\n`);
}
