import { loadProfileText, type Orchestrator } from '@jdcast/core';
import { portPreferring, readGraph, startDummyJack, startTestSignal, type DummyJack } from '@jdcast/core/testing';
import { UsageError } from '../args.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { runForeground } from '../run/foreground.js';
import { helpOption, jsonOption, type Command } from './command.js';
import { secondsOption } from './up.js';
import { socketOption } from './control.js';
import { httpOption, httpSettings } from './http-option.js';

const FORMATS = [
	['/demo.opus', 'opus'],
	['/demo.ogg', 'vorbis'],
	['/demo.flac', 'flac'],
	['/demo.mp3', 'mp3'],
	['/demo.aac', 'aac'],
] as const;

export const demo: Command = {
	name: 'demo',
	summary:
		'A real broadcast on this machine: private Icecast, JACK test signal, Opus, Vorbis, FLAC, MP3 and AAC mounts.',
	usage: 'jdcast demo [--port N] [--harbor] [--http [HOST:]PORT] [--seconds N] [--json]',
	maxArgs: 0,
	options: {
		port: {
			type: 'string',
			description: 'port of the private Icecast (default 8000, or a free one when taken)',
			placeholder: 'N',
		},
		harbor: {
			type: 'boolean',
			description: 'also a harbor for remote DJs on this machine: what they send goes out on /live.opus and /live.mp3',
		},
		...socketOption,
		...httpOption,
		seconds: { type: 'string', description: 'stop by itself after this many seconds', placeholder: 'N' },
		...jsonOption,
		...helpOption,
	},
	details: [
		'Uses the running JACK server (JACK_DEFAULT_SERVER or the default one), or starts jackd',
		'with the dummy backend; plays jack_simple_client into the JACK client jd_stream.',
		'Ctrl-C stops and removes everything it started.',
	],
	async run({ values }) {
		const port = await demoPort(values.port);
		// The dashboard is part of the demo: on a free port (near 8080) unless --http says where.
		const http = (await httpSettings(values)) ?? { host: '127.0.0.1', port: await portPreferring(8080) };
		let jack: DummyJack | undefined;
		let server = process.env.JACK_DEFAULT_SERVER;
		if (!(await readGraph(server))) {
			server = 'jdcast-demo';
			// Another demo's JACK server may be running: share it rather than fail.
			if (!(await readGraph(server))) jack = await startDummyJack(server);
		}
		const signal = await startTestSignal(server);
		const harborPort = values.harbor === true ? await portPreferring(8010) : undefined;
		const profiles = [];
		for (const [text, file] of [
			[demoProfile(port, server, harborPort !== undefined), 'demo.yaml'],
			...(harborPort === undefined ? [] : [[harborProfile(port, harborPort), 'live.yaml']]),
		] as const) {
			const { profile, diagnostics } = loadProfileText(text, file);
			if (!profile) {
				printDiagnostics(diagnostics);
				await signal.stop();
				await jack?.stop();
				return 1;
			}
			profiles.push(profile);
		}
		return runForeground(profiles, {
			json: values.json === true,
			...(typeof values.socket === 'string' ? { socket: values.socket } : {}),
			...secondsOption(values.seconds),
			http,
			banner: (orchestrator: Orchestrator, dashboard: string | undefined) =>
				banner(orchestrator, port, jack ? server : undefined, dashboard, harborPort),
			afterStop: async () => {
				await signal.stop();
				await jack?.stop();
			},
		});
	},
};

/**
 * The demo's harbor (`--harbor`): no password, since it listens on this machine only; its public mounts
 * fall back to the demo's own, which covers them between DJs (`keep`), so a listener stays on one URL.
 */
function harborProfile(port: number, harborPort: number): string {
	return [
		'name: live',
		'input:',
		'  harbor:',
		`    port: ${harborPort}`,
		'    mount: /dj',
		'servers:',
		'  demo:',
		'    embedded: true',
		`    port: ${port}`,
		...MOUNTS,
		'streams:',
		'  - { mount: /live.opus, format: opus, shared: true }',
		'  - { mount: /live.mp3, format: mp3, shared: true }',
		'',
	].join('\n');
}

const MOUNTS = [
	'    mounts:',
	'      /live.opus: { fallback: /demo.opus, keep: true }',
	'      /live.mp3: { fallback: /demo.mp3, keep: true }',
];

function demoProfile(port: number, server: string | undefined, harbor: boolean): string {
	return [
		'name: demo',
		'input:',
		'  jack:',
		'    client: jd_stream',
		...(server ? [`    server: ${JSON.stringify(server)}`] : []),
		'    connect: [jack_simple_client]',
		'servers:',
		'  demo:',
		'    embedded: true',
		`    port: ${port}`,
		...(harbor ? MOUNTS : []),
		'info:',
		'  name: jdcast demo',
		'  description: A test tone from JACK, four formats, one encoder each',
		'streams:',
		...FORMATS.map(([mount, format]) => `  - { mount: ${mount}, format: ${format} }`),
		'',
	].join('\n');
}

function banner(
	orchestrator: Orchestrator,
	port: number,
	startedJack: string | undefined,
	dashboard: string | undefined,
	harborPort: number | undefined,
): string {
	const embedded = orchestrator.embeddedServer(port);
	const lines = [
		'',
		embedded
			? `jdcast demo: private Icecast on http://127.0.0.1:${port}/ (status: http://127.0.0.1:${port}/status-json.xsl)`
			: `jdcast demo: the private Icecast on port ${port} did not start`,
		startedJack ? `JACK: started jackd -n ${startedJack} (dummy backend)` : 'JACK: using the running JACK server',
		'Signal: jack_simple_client -> jd_stream. Listen with any player, e.g.:',
		...FORMATS.map(([mount, format]) => `  ${format.padEnd(6)}  ffplay -nodisp http://127.0.0.1:${port}${mount}`),
		...(harborPort === undefined
			? []
			: [
					`Harbor: remote DJs send to 127.0.0.1:${harborPort}, mount /dj (BUTT, Mixxx: server type Icecast; no password is checked here), e.g.:`,
					`  ffmpeg -re -i SONG -c:a libmp3lame -content_type audio/mpeg -f mp3 icecast://source:x@127.0.0.1:${harborPort}/dj`,
					`Hear what they send (the demo tone between DJs): ffplay -nodisp http://127.0.0.1:${port}/live.opus`,
				]),
		...(dashboard ? [`Dashboard (levels, listeners, players, now playing): ${dashboard}`] : []),
		'Ctrl-C stops it all.',
		'',
	];
	return `${lines.join('\n')}\n`;
}

async function demoPort(value: unknown): Promise<number> {
	if (value !== undefined) {
		const port = Number(value);
		if (!Number.isInteger(port) || port < 1 || port > 65535)
			throw new UsageError('jdcast demo: --port takes a port number 1-65535');
		return port;
	}
	return portPreferring(8000);
}
