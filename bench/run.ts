/**
 * npm run bench: jdcast side by side with DarkIce and Liquidsoap (when installed) and the seed's
 * way (one bare `ffmpeg -f jack ... icecast://` per stream), in the same run, on this machine,
 * on loopback only: Opus 96 from one JACK dummy server to one local icecast2. Prints tables,
 * writes bench/results/latest.json and the tables in README.md between the bench markers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedIcecast } from '@jdcast/core';
import { startDummyJack, startTestSignal } from '@jdcast/core/testing';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { latencyBench } from './latency.js';
import { median, timeToFirstByte } from './lib/listen.js';
import { children, sampleProcesses } from './lib/proc.js';
import { loadBench } from './load.js';
import { meterBench } from './meter.js';
import { clientsOf, connectSignal, jdcastProfile, stopAll, tools, type Tool } from './peers.js';
import { recoveryBench } from './recovery.js';
import { failoverBench } from './failover.js';
import { NODE_FLAGS } from '../packages/cli/src/node-flags.js';

const root = new URL('..', import.meta.url).pathname;
const cli = path.join(root, 'packages/cli/bin/jdcast.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Cost runs begin this long after a tool's first byte: past its start, as it runs all night. */
const WARM_UP_MS = 5000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JACK = 'jdcast-bench';

export interface Row {
	tool: string;
	[key: string]: string | number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-bench-'));
const env = { JACK_DEFAULT_SERVER: JACK, JACK_NO_START_SERVER: '1' };
const jack = await startDummyJack(JACK);
const signal = await startTestSignal(JACK);
const port = await getPort({ host: '127.0.0.1' });
const icecast = await startEmbeddedIcecast({ port });
const password = icecast.sourcePassword.reveal();
const running: ResultPromise[] = [];
const setup = { dir, cli, jack: JACK, port, password, env };
const all = await tools(setup, running);
const present = all.filter((t) => t.installed);
let serial = 0;

/** Starts a tool on `mounts` and connects the test signal where it does not itself. */
async function start(tool: Tool, mounts: string[], onPort = port): Promise<ResultPromise[]> {
	const client = `b${serial++}`;
	const started = tool.start(client, mounts, onPort);
	if (!tool.connectsItself)
		await Promise.all(clientsOf(tool, client, mounts.length).map((c) => connectSignal(JACK, c)));
	return started;
}

const notInstalled = (tool: Tool, keys: string[]): Row =>
	Object.fromEntries([['tool', tool.name], ...keys.map((k) => [k, 'not installed'])]) as Row;

async function timeToAir(): Promise<Row[]> {
	const rows: Row[] = [];
	for (const tool of all) {
		if (!tool.installed) {
			rows.push(notInstalled(tool, ['median s', 'min s', 'max s', 'runs']));
			continue;
		}
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const mount = `/air${serial}.opus`;
			const t0 = performance.now();
			const started = start(tool, [mount]);
			times.push(await timeToFirstByte(`http://127.0.0.1:${port}${mount}`, t0));
			await stopAll(await started);
		}
		rows.push({
			tool: tool.name,
			'median s': +(median(times) / 1000).toFixed(3),
			'min s': +(Math.min(...times) / 1000).toFixed(3),
			'max s': +(Math.max(...times) / 1000).toFixed(3),
			runs: times.length,
		});
	}
	return rows;
}

/** CPU and memory of each tool over SECONDS, its processes and their children (jdcast: Node and ffmpeg apart). */
async function cost(targets: number): Promise<Row[]> {
	const rows: Row[] = [];
	for (const tool of all) {
		const keys = [
			'targets',
			'processes',
			'CPU s',
			'CPU % of a core',
			'of which jdcast (Node) s',
			'peak memory MiB (PSS)',
		];
		if (!tool.installed) {
			rows.push(notInstalled(tool, keys));
			continue;
		}
		const mounts = Array.from({ length: targets }, (_, i) => `/cost${serial}-${i}.opus`);
		const started = await start(tool, mounts);
		await Promise.all(mounts.map((m) => timeToFirstByte(`http://127.0.0.1:${port}${m}`, performance.now())));
		// Measured once every tool is past its start (code compiled, buffers grown), as it runs all night.
		await new Promise((r) => setTimeout(r, WARM_UP_MS));
		const tops = started.map((c) => c.pid!);
		const node = tool.name.startsWith('jdcast') ? sampleProcesses(() => tops, SECONDS) : undefined;
		const all = await sampleProcesses(() => tops.flatMap((pid) => [pid, ...children(pid)]), SECONDS);
		const own = await node;
		await stopAll(started);
		rows.push({
			tool: tool.name,
			targets,
			processes: all.processes,
			'CPU s': +all.cpuSeconds.toFixed(2),
			'CPU % of a core': +((all.cpuSeconds / SECONDS) * 100).toFixed(1),
			'of which jdcast (Node) s': own ? +own.cpuSeconds.toFixed(2) : '—',
			'peak memory MiB (PSS)': +all.peakPssMiB.toFixed(1),
		});
	}
	return rows;
}

/** Ten DJs: jdcast with ten profiles in one process, beside ten DarkIce processes. */
async function tenProfiles(): Promise<Row[]> {
	const rows: Row[] = [];
	for (const tool of present.filter((t) => t.name === 'jdcast' || t.name.startsWith('DarkIce'))) {
		const started: ResultPromise[] = [];
		const mounts: string[] = [];
		const startedAt = Date.now();
		if (tool.name === 'jdcast') {
			const files = Array.from({ length: 10 }, (_, i) => {
				const client = `ten${i}`;
				const mount = `/ten${serial}-${i}.opus`;
				mounts.push(mount);
				return jdcastProfile(setup, client, [mount]);
			});
			const child = execa(
				process.execPath,
				[...NODE_FLAGS, cli, 'up', '--json', '--socket', path.join(dir, 'ten.sock'), ...files],
				{
					env: { ...env, BENCH_PW: password },
					reject: false,
					stdio: 'ignore',
				},
			);
			running.push(child);
			started.push(child);
		} else {
			for (let i = 0; i < 10; i++) {
				const mount = `/ten${serial}-${i}.opus`;
				mounts.push(mount);
				started.push(...(await start(tool, [mount])));
			}
		}
		serial++;
		await Promise.all(mounts.map((m) => timeToFirstByte(`http://127.0.0.1:${port}${m}`, performance.now())));
		await new Promise((r) => setTimeout(r, 2000));
		const tops = started.map((c) => c.pid!);
		const whole = await sampleProcesses(() => tops.flatMap((pid) => [pid, ...children(pid)]), 5);
		// Node's RSS once it has run a while (what a station has all night), and its peak (at start).
		const status = (key: string) =>
			Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${tops[0]}/status`, 'utf8'))?.[1] ?? 0) / 1024;
		if (tool.name === 'jdcast') await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 30_000 - Date.now())));
		const rss = tool.name === 'jdcast' ? { steady: status('VmRSS'), peak: status('VmHWM') } : undefined;
		await stopAll(started);
		rows.push({
			tool: tool.name,
			profiles: 10,
			processes: whole.processes,
			'peak memory MiB (PSS, all processes)': +whole.peakPssMiB.toFixed(1),
			'jdcast (Node) RSS MiB after 30 s': rss === undefined ? '—' : +rss.steady.toFixed(1),
			'jdcast (Node) peak RSS MiB': rss === undefined ? '—' : +rss.peak.toFixed(1),
		});
	}
	return rows;
}

function table(title: string, rows: Row[]): string {
	const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	return [
		`**${title}**`,
		'',
		`| ${keys.join(' | ')} |`,
		`| ${keys.map(() => '---').join(' | ')} |`,
		...rows.map((r) => `| ${keys.map((k) => String(r[k] ?? '')).join(' | ')} |`),
		'',
	].join('\n');
}

try {
	const air = await timeToAir();
	const one = await cost(1);
	const four = await cost(4);
	const cpu = (rows: Row[], tool: string) => rows.find((r) => r.tool === tool)?.['CPU s'];
	const scaling: Row[] = present.map((t) => ({
		tool: t.name,
		'4 targets / 1 target CPU': +((cpu(four, t.name) as number) / Math.max(0.01, cpu(one, t.name) as number)).toFixed(
			2,
		),
	}));
	const ten = await tenProfiles();
	const recovery = await recoveryBench({ icecast, port, all, start, stop: stopAll });
	const latency = await latencyBench({ jack: JACK, password, all, stop: stopAll });
	const meter = await meterBench();
	const load = await loadBench(dir, cli);
	const failover = await failoverBench();

	const date = new Date().toISOString().slice(0, 10);
	const markdown = [
		`Measured ${date} by \`npm run bench\` on this machine (${process.arch}, ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB), Opus 96 from a JACK dummy server to a local icecast2 2.4 (burst on), ${SECONDS} s per cost run (begun ${WARM_UP_MS / 1000} s after the first byte), ${RUNS} time-to-air runs. DarkIce and Liquidsoap are Debian's packages.`,
		'',
		table("Time to air (process start to a listener's first byte)", air),
		table('Cost of one encoding to 1 and 4 targets', [...one, ...four]),
		table('Scaling', scaling),
		table('Ten DJs on one machine (one Opus 96 mount each)', ten),
		table('Back on air after icecast2 restarts (icecast2 accepting again to first listener byte)', recovery),
		table(
			'JACK to listener latency, burst-on-connect off (the test signal connected in JACK at t0; when a listener decoding live first hears it)',
			latency,
		),
		table(
			'Cost of the level meter beside one Opus 96 encode (60 s of pink noise, run flat out, least of 3; the meter after a warm-up pass, as it runs all night)',
			meter,
		),
		table(
			'Listener load: one profile (Opus 96 + MP3 128) pushed to three local icecast2 edges, Opus listeners spread over them, 10 s per step (the load client shares the machine)',
			load.rows,
		),
		table('An edge killed for 5 s under 1000 listeners, and started again', load.outage),
		table(
			'A frozen primary (SIGSTOP) and a backup jdcast with failover after 3 s, beside Icecast alone (median of 3)',
			failover,
		),
		load.sentence,
		'',
	].join('\n');
	process.stdout.write(`\n${markdown}\n`);
	writeFileSync(
		path.join(root, 'bench/results/latest.json'),
		`${JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, runs: RUNS, timeToAir: air, cost: [...one, ...four], scaling, ten, recovery, latency, meter, load, failover }, null, 2)}\n`,
	);
	const readme = path.join(root, 'README.md');
	const text = readFileSync(readme, 'utf8');
	const updated = text.replace(
		/<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
		`<!-- bench:start -->\n${markdown}\n<!-- bench:end -->`,
	);
	if (updated !== text) writeFileSync(readme, updated);
} finally {
	await stopAll(running.filter((c) => c.exitCode === null && c.signalCode === null)).catch(() => {});
	await icecast.stop();
	await signal.stop();
	await jack.stop();
	rmSync(dir, { recursive: true, force: true });
}
