/**
 * The listener-load bench (part of npm run bench): one jdcast profile (Opus 96, MP3 128) pushing
 * to three local icecast2 edges, with 0, 100, 500 and 1000 listeners spread over the edges; at
 * 1000 one edge is killed for 5 s. Loopback only, bounded in count and time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedIcecast, type EmbeddedIcecast } from '@jdcast/core';
import { execa } from 'execa';
import getPort from 'get-port';
import { eventually } from '../test/helpers/env.js';
import { oggListener, type LoadListener } from '../test/helpers/load.js';
import { children, cpuSeconds, pssMiB } from './lib/proc.js';

interface Row {
	tool: string;
	[key: string]: string | number;
}

const STEPS = [0, 100, 500, 1000];
const WINDOW_S = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const PASSWORD = 'bench-edge-pw';

export async function loadBench(dir: string, cli: string): Promise<{ rows: Row[]; outage: Row[]; sentence: string }> {
	const ports = await Promise.all([0, 1, 2].map(() => getPort({ host: '127.0.0.1' })));
	let edges: EmbeddedIcecast[] = await Promise.all(
		ports.map((port) => startEmbeddedIcecast({ port, sourcePassword: PASSWORD, clients: 600 })),
	);
	const file = path.join(dir, 'load.yaml');
	const servers = ports
		.map((port, i) => `  edge${i + 1}: { host: 127.0.0.1, port: ${port}, password_env: BENCH_PW }`)
		.join('\n');
	writeFileSync(
		file,
		`name: load\ninput: { tone: { frequency: 440, level: -12 } }\nsilence: false\nservers:\n${servers}\nstreams:\n  - { mount: /live.opus, format: opus, bitrate: 96 }\n  - { mount: /live.mp3, format: mp3, bitrate: 128 }\n`,
		{ mode: 0o600 },
	);
	const events: { event: string; server?: string; mount?: string; state?: string; time: string }[] = [];
	const jd = execa('node', [cli, 'up', '--json', file], {
		env: { BENCH_PW: PASSWORD, JDCAST_SOCKET: path.join(dir, 'load.sock') },
		buffer: false,
		reject: false,
	});
	let partial = '';
	jd.stdout!.on('data', (chunk: Buffer) => {
		const lines = (partial + chunk.toString()).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as (typeof events)[number]);
	});
	const live = (server: string) =>
		events.filter((e) => e.event === 'output' && e.server === server && e.mount === '/live.opus').at(-1)?.state ===
		'live';
	const listeners: LoadListener[] = [];
	try {
		await eventually(() => ['edge1', 'edge2', 'edge3'].every(live), 'every edge live', 20_000);
		const rows: Row[] = [];
		let outage: Row[] = [];
		for (const count of STEPS) {
			while (listeners.length < count)
				listeners.push(oggListener(`http://127.0.0.1:${ports[listeners.length % 3]}/live.opus`));
			await new Promise((r) => setTimeout(r, 3000));
			const jdPids = () => [jd.pid!, ...children(jd.pid!)];
			const startJd = jdPids().reduce((s, p) => s + cpuSeconds(p), 0);
			const startEdges = edges.map((e) => ({ pid: e.pid, cpu: cpuSeconds(e.pid) }));
			const startBytes = listeners.map((l) => l.bytes);
			const startMissing = listeners.map((l) => l.missing);
			if (count === STEPS.at(-1)) outage = await killOneEdge();
			else await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
			const jdCpu = jdPids().reduce((s, p) => s + cpuSeconds(p), 0) - startJd;
			const last = count === STEPS.at(-1);
			// At the last step the killed edge's own listeners were cut off with it: counted apart.
			const counted = (i: number) => !last || i % 3 !== 1;
			const got = listeners.map((l, i) => l.bytes - startBytes[i]!);
			const gotCounted = got.filter((_, i) => counted(i));
			// What a listener should have got: what the best-served listener of its edge got in the same window.
			const full = [0, 1, 2].map((edge) => Math.max(0, ...got.filter((_, i) => i % 3 === edge)));
			const whole = listeners.filter(
				(l, i) => !l.ended && l.missing === startMissing[i] && got[i]! >= full[i % 3]! * 0.98,
			).length;
			const survivors = listeners.filter((_, i) => counted(i));
			rows.push({
				tool: 'jdcast + 3 icecast2 edges',
				listeners: count,
				'jdcast CPU % of a core': +((jdCpu / WINDOW_S) * 100).toFixed(1),
				'jdcast PSS MiB': +jdPids()
					.reduce((s, p) => s + pssMiB(p), 0)
					.toFixed(1),
				'edges CPU % of a core (each)': edges
					.map((e, i) =>
						e.pid === startEdges[i]!.pid
							? (((cpuSeconds(e.pid) - startEdges[i]!.cpu) / WINDOW_S) * 100).toFixed(1)
							: 'restarted',
					)
					.join(' / '),
				'edges PSS MiB (each)': edges.map((e) => pssMiB(e.pid).toFixed(1)).join(' / '),
				'KiB per listener (least / most)':
					count === 0
						? '—'
						: `${(Math.min(...gotCounted) / 1024).toFixed(0)} / ${(Math.max(...gotCounted) / 1024).toFixed(0)}`,
				'listeners with every byte':
					count === 0
						? '—'
						: last
							? `${survivors.filter((l) => !l.ended && l.missing === 0).length}/${survivors.length} on the edges that stayed up`
							: `${whole}/${count}`,
			});
		}
		const perEdge = Math.round(Math.max(...STEPS) / 3);
		const top = rows.at(-1)!;
		const sentence = `One ${(await import('node:os')).cpus().length}-core machine carried ${Math.max(...STEPS)} listeners on three local edges (about ${perEdge} each) with jdcast at ${top['jdcast CPU % of a core']} % of a core, as at ${rows[0]!['jdcast CPU % of a core']} % with none: jdcast's cost does not grow with listeners; the edges' does.`;
		return { rows, outage, sentence };
	} finally {
		listeners.forEach((l) => l.close());
		jd.kill('SIGTERM');
		await jd;
		await Promise.all(edges.map((e) => e.stop().catch(() => {})));
	}

	/**
	 * Edge 2 down for 5 s with 1000 listeners on: what the others lost, and how soon its mount is back
	 * once it accepts.
	 */
	async function killOneEdge(): Promise<Row[]> {
		const others = listeners.filter((_, i) => i % 3 !== 1);
		const missing = others.map((l) => l.missing);
		const killedAt = Date.now();
		await edges[1]!.kill();
		await new Promise((r) => setTimeout(r, 5000));
		const restarted = await startEmbeddedIcecast({ port: ports[1]!, sourcePassword: PASSWORD, clients: 600 });
		edges = [edges[0]!, restarted, edges[2]!];
		const accepting = Date.now();
		const again = (e: (typeof events)[number]) =>
			e.event === 'output' &&
			e.server === 'edge2' &&
			e.mount === '/live.opus' &&
			e.state === 'live' &&
			Date.parse(e.time) > killedAt;
		const back = Date.parse((await eventually(() => events.find(again), 'edge2 live again', 10_000)).time) - accepting;
		await new Promise((r) => setTimeout(r, Math.max(0, WINDOW_S * 1000 - 5000 - back)));
		const lost = others.filter((l, i) => l.ended || l.missing > missing[i]!).length;
		return [
			{
				tool: 'one edge of three killed for 5 s (1000 listeners)',
				'listeners of the other edges that lost anything': `${lost} of ${others.length}`,
				"killed edge's mount back after it accepts (s)": +(back / 1000).toFixed(3),
			},
		];
	}
}
