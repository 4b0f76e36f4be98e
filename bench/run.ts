/**
 * npm run bench: jdcast side by side with the old way (one bare `ffmpeg -f jack ... icecast://`
 * per stream), in the same run, on this machine, on loopback only. Prints tables, writes
 * bench/results/latest.json and the table in README.md between the bench markers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedIcecast } from '@jdcast/core';
import { connectPorts, readGraph, startDummyJack, startTestSignal } from '@jdcast/core/testing';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { median, timeToFirstByte } from './lib/listen.js';
import { children, sampleProcesses } from './lib/proc.js';
import { loadBench } from './load.js';
import { meterBench } from './meter.js';
import { recoveryBench } from './recovery.js';

const root = new URL('..', import.meta.url).pathname;
const cli = path.join(root, 'packages/cli/bin/jdcast.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JACK = 'jdcast-bench';

interface Row {
	tool: string;
	[key: string]: string | number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-bench-'));
const env = { JACK_DEFAULT_SERVER: JACK, JACK_NO_START_SERVER: '1', JDCAST_SOCKET: path.join(dir, 'control.sock') };
const jack = await startDummyJack(JACK);
const signal = await startTestSignal(JACK);
const port = await getPort({ host: '127.0.0.1' });
const icecast = await startEmbeddedIcecast({ port });
const password = icecast.sourcePassword.reveal();
const running: ResultPromise[] = [];

function profile(name: string, client: string, mounts: string[]): string {
	const file = path.join(dir, `${name}.yaml`);
	writeFileSync(file, `name: ${name}\ninput:\n  jack: { client: ${client}, server: ${JACK}, connect: [jack_simple_client] }\nservers:\n  main: { host: 127.0.0.1, port: ${port}, password_env: BENCH_PW }\nstreams:\n${mounts.map((m) => `  - { mount: ${m}, format: opus, bitrate: 96 }`).join('\n')}\n`, { mode: 0o600 });
	return file;
}

function startJdcast(file: string): ResultPromise {
	const child = execa(process.execPath, [cli, 'up', '--json', file], { env: { ...env, BENCH_PW: password }, reject: false, stdout: 'ignore', stderr: 'ignore' });
	running.push(child);
	return child;
}

/** The old Jackdaw plugin's way: the password in argv, ffmpeg talking to Icecast itself. */
function startBareFfmpeg(client: string, mount: string): ResultPromise {
	const child = execa('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'jack', '-channels', '2', '-i', client, '-c:a', 'libopus', '-b:a', '96k', '-content_type', 'audio/ogg', '-f', 'ogg', `icecast://source:${password}@127.0.0.1:${port}${mount}`], { env, reject: false, stdio: 'ignore' });
	running.push(child);
	return child;
}

async function connectSignal(client: string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const graph = await readGraph(JACK);
		if (graph?.some((p) => p.client === client)) {
			await connectPorts('jack_simple_client:output1', `${client}:input_1`, JACK);
			await connectPorts('jack_simple_client:output2', `${client}:input_2`, JACK);
			return;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function stop(child: ResultPromise): Promise<void> {
	child.kill('SIGINT');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await child;
	clearTimeout(timer);
}

async function timeToAir(): Promise<Row[]> {
	const jd: number[] = [];
	const bare: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const file = profile(`air${i}`, `jd_air${i}`, [`/air${i}.opus`]);
		let t0 = performance.now();
		let child = startJdcast(file);
		jd.push(await timeToFirstByte(`http://127.0.0.1:${port}/air${i}.opus`, t0));
		await stop(child);
		t0 = performance.now();
		child = startBareFfmpeg(`old_air${i}`, `/old-air${i}.opus`);
		bare.push(await timeToFirstByte(`http://127.0.0.1:${port}/old-air${i}.opus`, t0));
		await stop(child);
	}
	const row = (tool: string, values: number[]): Row => ({ tool, 'median s': +(median(values) / 1000).toFixed(3), 'min s': +(Math.min(...values) / 1000).toFixed(3), 'max s': +(Math.max(...values) / 1000).toFixed(3), runs: values.length });
	return [row('jdcast', jd), row('bare ffmpeg (old way)', bare)];
}

async function cost(targets: number): Promise<Row[]> {
	const mounts = Array.from({ length: targets }, (_, i) => `/cost${targets}-${i}.opus`);
	const file = profile(`cost${targets}`, `jd_cost${targets}`, mounts);
	const jd = startJdcast(file);
	await Promise.all(mounts.map((m) => timeToFirstByte(`http://127.0.0.1:${port}${m}`, performance.now())));
	await new Promise((r) => setTimeout(r, 1000));
	const jdResult = await sampleProcesses(() => [jd.pid!, ...children(jd.pid!)], SECONDS);
	await stop(jd);

	const olds = mounts.map((m, i) => ({ child: startBareFfmpeg(`old_cost${targets}_${i}`, `/old${m}`), mount: `/old${m}`, client: `old_cost${targets}_${i}` }));
	await Promise.all(olds.map((o) => connectSignal(o.client)));
	await Promise.all(olds.map((o) => timeToFirstByte(`http://127.0.0.1:${port}${o.mount}`, performance.now())));
	await new Promise((r) => setTimeout(r, 1000));
	const oldResult = await sampleProcesses(() => olds.map((o) => o.child.pid!), SECONDS);
	await Promise.all(olds.map((o) => stop(o.child)));
	const row = (tool: string, r: { cpuSeconds: number; peakPssMiB: number; processes: number }): Row => ({
		tool,
		targets,
		processes: r.processes,
		'CPU s': +r.cpuSeconds.toFixed(2),
		'CPU % of a core': +((r.cpuSeconds / SECONDS) * 100).toFixed(1),
		'peak memory MiB (PSS)': +r.peakPssMiB.toFixed(1),
	});
	return [row('jdcast', jdResult), row('bare ffmpeg (old way)', oldResult)];
}

function table(title: string, rows: Row[]): string {
	const keys = Object.keys(rows[0]!);
	return [`**${title}**`, '', `| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${keys.map((k) => String(r[k])).join(' | ')} |`), ''].join('\n');
}

try {
	const air = await timeToAir();
	const one = await cost(1);
	const four = await cost(4);
	const ratio = (rows: Row[], tool: string) => (rows.find((r) => r.tool === tool)!['CPU s'] as number);
	const scaling: Row[] = ['jdcast', 'bare ffmpeg (old way)'].map((tool) => ({ tool, '4 targets / 1 target CPU': +(ratio(four, tool) / Math.max(0.01, ratio(one, tool))).toFixed(2) }));
	const recovery = await recoveryBench({ dir, cli, env, port, icecast, password, startJdcast, startBareFfmpeg, stop, connectSignal });
	const meter = await meterBench();
	const load = await loadBench(dir, cli);

	const date = new Date().toISOString().slice(0, 10);
	const markdown = [
		`Measured ${date} by \`npm run bench\` on this machine (${process.arch}, ${(await import('node:os')).cpus().length} cores), Opus 96 from a JACK dummy server to a local icecast2 2.4 (burst on), ${SECONDS} s per cost run, ${RUNS} time-to-air runs.`,
		'',
		table('Time to air (start to a listener\'s first byte)', air),
		table('Cost of one encoding to 1 and 4 targets', [...one, ...four]),
		table('Scaling', scaling),
		table('Back on air after icecast2 restarts (icecast2 accepting again to first listener byte)', recovery),
		table('Cost of the level meter beside one Opus 96 encode (60 s of pink noise, run flat out, least of 3; the meter after a warm-up pass, as it runs all night)', meter),
		table('Listener load: one profile (Opus 96 + MP3 128) pushed to three local icecast2 edges, Opus listeners spread over them, 10 s per step (the load client shares the machine)', load.rows),
		table('An edge killed for 5 s under 1000 listeners, and started again', load.outage),
		load.sentence,
		'',
	].join('\n');
	process.stdout.write(`\n${markdown}\n`);
	writeFileSync(path.join(root, 'bench/results/latest.json'), `${JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, runs: RUNS, timeToAir: air, cost: [...one, ...four], scaling, recovery, meter, load }, null, 2)}\n`);
	const readme = path.join(root, 'README.md');
	const text = readFileSync(readme, 'utf8');
	const updated = text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${markdown}\n<!-- bench:end -->`);
	if (updated !== text) writeFileSync(readme, updated);
} finally {
	await Promise.all(running.map((c) => stop(c).catch(() => {})));
	await icecast.stop();
	await signal.stop();
	await jack.stop();
	rmSync(dir, { recursive: true, force: true });
}
