import { startEmbeddedIcecast } from '@jdcast/core';
import { readGraph } from '@jdcast/core/testing';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { median, timeToFirstByte } from './lib/listen.js';
import { connectSignal, type Tool } from './peers.js';

interface Context {
	jack: string;
	/** The source password every tool is set up with. */
	password: string;
	all: Tool[];
	stop(children: ResultPromise[]): Promise<void>;
}

const TRIES = Number(process.env.BENCH_LATENCY_TRIES ?? 4);
/** A sample above this (of 32767) is the test signal; below it, the silence of an unconnected input. */
const HEARD = 1000;

/**
 * JACK to listener: each tool streams an unconnected JACK input (silence) to an icecast2 with
 * burst-on-connect off; a listener decodes it live (ffmpeg, low-delay flags). At t0 the test
 * signal is connected in JACK; the latency is when the listener's decoder first gives a sample
 * of it. Disconnected, and again. The decoder's own delay counts for every tool alike.
 */
export async function latencyBench(c: Context): Promise<{ tool: string; [key: string]: string | number }[]> {
	const port = await getPort({ host: '127.0.0.1' });
	const icecast = await startEmbeddedIcecast({ port, burstOnConnect: false, sourcePassword: c.password });
	const rows: { tool: string; [key: string]: string | number }[] = [];
	try {
		for (const tool of c.all) {
			if (!tool.installed) {
				rows.push({ tool: tool.name, 'median s': 'not installed' });
				continue;
			}
			const client = `lat${rows.length}`;
			const mount = `/lat${rows.length}.opus`;
			const children = tool.start(client, [mount], port, false);
			const times: number[] = [];
			try {
				await timeToFirstByte(`http://127.0.0.1:${port}${mount}`, performance.now());
			} catch (error) {
				await c.stop(children);
				rows.push({ tool: tool.name, 'median s': `failed: ${(error as Error).message}` });
				continue;
			}
			for (let i = 0; i < TRIES; i++) {
				const listener = listen(`http://127.0.0.1:${port}${mount}`);
				await new Promise((r) => setTimeout(r, 2500));
				const t0 = performance.now();
				await connectSignal(c.jack, client);
				const heard = await listener.heard(t0, 8000);
				listener.close();
				if (heard !== undefined) times.push(heard);
				await disconnect(c.jack, client);
				await new Promise((r) => setTimeout(r, 1000));
			}
			await c.stop(children);
			rows.push({
				tool: tool.name,
				'median s': times.length ? +(median(times) / 1000).toFixed(3) : 'never',
				'max s': times.length ? +(Math.max(...times) / 1000).toFixed(3) : 'never',
				heard: `${times.length}/${TRIES}`,
			});
		}
	} finally {
		await icecast.stop();
	}
	return rows;
}

/** A listener decoding live; `heard(t0)`: ms from t0 to the first loud sample it decodes. */
function listen(url: string) {
	const decoder = execa(
		'ffmpeg',
		[
			'-hide_banner',
			'-loglevel',
			'error',
			'-fflags',
			'nobuffer',
			'-flags',
			'low_delay',
			'-probesize',
			'32',
			'-analyzeduration',
			'0',
			'-i',
			url,
			'-ac',
			'1',
			'-ar',
			'48000',
			'-f',
			's16le',
			'-flush_packets',
			'1',
			'-',
		],
		{ buffer: false, reject: false, stdin: 'ignore', stderr: 'ignore' },
	);
	let loudAt: number | undefined;
	let armed = false;
	decoder.stdout!.on('data', (chunk: Buffer) => {
		if (!armed || loudAt !== undefined) return;
		for (let i = 0; i + 1 < chunk.length; i += 2) {
			if (Math.abs(chunk.readInt16LE(i)) > HEARD) {
				loudAt = performance.now();
				return;
			}
		}
	});
	return {
		async heard(t0: number, timeoutMs: number): Promise<number | undefined> {
			armed = true;
			const end = t0 + timeoutMs;
			while (loudAt === undefined && performance.now() < end) await new Promise((r) => setTimeout(r, 2));
			return loudAt === undefined ? undefined : loudAt - t0;
		},
		close: () => decoder.kill('SIGKILL'),
	};
}

async function disconnect(jack: string, client: string): Promise<void> {
	const graph = (await readGraph(jack)) ?? [];
	for (const port of graph.filter((p) => p.client === client && p.direction === 'input')) {
		for (const from of port.connections)
			await execa('jack_disconnect', [from, port.name], {
				env: { JACK_DEFAULT_SERVER: jack, JACK_NO_START_SERVER: '1' },
				reject: false,
			});
	}
}
