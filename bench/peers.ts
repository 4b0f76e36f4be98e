/**
 * The tools jdcast is measured beside, each streaming one JACK client as Opus 96 to a local
 * icecast2: jdcast, DarkIce and Liquidsoap when installed (Debian packages; setup.sh does not
 * install them), and the seed's way, one bare `ffmpeg -f jack … icecast://` per mount.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectPorts, readGraph } from '@jdcast/core/testing';
import { NODE_FLAGS } from '../packages/cli/src/node-flags.js';
import { execa, type ResultPromise } from 'execa';

export interface BenchSetup {
	dir: string;
	cli: string;
	jack: string;
	port: number;
	password: string;
	env: Record<string, string>;
}

export interface Tool {
	name: string;
	/** Whether it is on this machine. */
	installed: boolean;
	/**
	 * Streams JACK client `client` to every mount (one process; the seed's way: one each); `connect:
	 * false`: jdcast leaves its input unconnected too.
	 */
	start(client: string, mounts: string[], port?: number, connect?: boolean): ResultPromise[];
	/** Whether it connects the test signal to its JACK ports itself (else the bench does, as an operator would). */
	connectsItself: boolean;
}

const onPath = async (command: string) =>
	(await execa('sh', ['-c', `command -v ${command}`], { reject: false })).exitCode === 0;

/**
 * A jdcast profile for the bench: JACK client `client` (fed by the test signal unless `connect:
 * false`), Opus 96 to every mount.
 */
export function jdcastProfile(
	s: BenchSetup,
	client: string,
	mounts: string[],
	o: { port?: number; latency?: 'low' | 'normal'; connect?: boolean } = {},
): string {
	const file = path.join(s.dir, `jd-${client}.yaml`);
	const streams = mounts.map((m) => `  - { mount: ${m}, format: opus, bitrate: 96 }`).join('\n');
	writeFileSync(
		file,
		`name: ${client}\nlatency: ${o.latency ?? 'low'}\ninput:\n  jack: { client: ${client}, server: ${s.jack}, connect: [${o.connect === false ? '' : 'jack_simple_client'}] }\nsilence: false\nservers:\n  main: { host: 127.0.0.1, port: ${o.port ?? s.port}, password_env: BENCH_PW }\nstreams:\n${streams}\n`,
		{ mode: 0o600 },
	);
	return file;
}

export async function tools(s: BenchSetup, running: ResultPromise[]): Promise<Tool[]> {
	const spawn = (file: string, args: string[], env: Record<string, string> = {}) => {
		const child = execa(file, args, { env: { ...s.env, ...env }, reject: false, stdio: 'ignore' });
		running.push(child);
		return child;
	};
	let n = 0;
	const jdcastTool = (name: string, latency: 'low' | 'normal'): Tool => ({
		name,
		installed: true,
		connectsItself: true,
		start(client, mounts, port = s.port, connect = true) {
			const file = jdcastProfile(s, client, mounts, { port, latency, connect });
			return [
				spawn(
					process.execPath,
					[...NODE_FLAGS, s.cli, 'up', '--json', '--socket', path.join(s.dir, `${client}-${n++}.sock`), file],
					{
						BENCH_PW: s.password,
					},
				),
			];
		},
	});
	return [
		jdcastTool('jdcast', 'low'),
		jdcastTool('jdcast (latency: normal)', 'normal'),
		{
			name: 'DarkIce 1.3',
			installed: await onPath('darkice'),
			connectsItself: false,
			start(client, mounts, port = s.port) {
				const file = path.join(s.dir, `dk-${client}.cfg`);
				const outputs = mounts.map(
					(m, i) =>
						`[icecast2-${i}]\nbitrateMode = vbr\nformat = opus\nbitrate = 96\nquality = 0.8\nserver = 127.0.0.1\nport = ${port}\npassword = ${s.password}\nmountPoint = ${m.slice(1)}\n`,
				);
				writeFileSync(
					file,
					`[general]\nduration = 0\nbufferSecs = 1\nreconnect = yes\n\n[input]\ndevice = jack\nsampleRate = 48000\nbitsPerSample = 16\nchannel = 2\njackClientName = ${client}\n\n${outputs.join('\n')}`,
					{ mode: 0o600 },
				);
				return [spawn('darkice', ['-c', file])];
			},
		},
		{
			name: 'Liquidsoap 2.1',
			installed: await onPath('liquidsoap'),
			connectsItself: false,
			start(client, mounts, port = s.port) {
				const file = path.join(s.dir, `ls-${client}.liq`);
				const outputs = mounts.map(
					(m) =>
						`output.icecast(%opus(bitrate=96, samplerate=48000, channels=2), host="127.0.0.1", port=${port}, password="${s.password}", mount="${m.slice(1)}", fallible=true, s)`,
				);
				writeFileSync(
					file,
					`settings.init.allow_root.set(true)\nsettings.log.stdout.set(false)\nsettings.log.file.set(false)\ns = input.jack(id="${client}")\n${outputs.join('\n')}\n`,
					{ mode: 0o600 },
				);
				return [spawn('liquidsoap', [file])];
			},
		},
		{
			name: 'bare ffmpeg (old way)',
			installed: true,
			connectsItself: false,
			// One process per mount: the seed's plugin ran one ffmpeg per stream, the password in argv.
			start(client, mounts, port = s.port) {
				return mounts.map((m, i) =>
					spawn('ffmpeg', [
						'-hide_banner',
						'-nostdin',
						'-loglevel',
						'error',
						'-f',
						'jack',
						'-channels',
						'2',
						'-i',
						mounts.length === 1 ? client : `${client}_${i}`,
						'-c:a',
						'libopus',
						'-b:a',
						'96k',
						'-content_type',
						'audio/ogg',
						'-f',
						'ogg',
						`icecast://source:${s.password}@127.0.0.1:${port}${m}`,
					]),
				);
			},
		},
	];
}

/** The JACK clients a tool's run registers (bare ffmpeg: one per mount). */
export function clientsOf(tool: Tool, client: string, mounts: number): string[] {
	return tool.name.startsWith('bare') && mounts > 1
		? Array.from({ length: mounts }, (_, i) => `${client}_${i}`)
		: [client];
}

/** Connects jack_simple_client's two outputs to `client`'s first two inputs, once it appears. */
export async function connectSignal(jack: string, client: string): Promise<void> {
	for (let i = 0; i < 200; i++) {
		const inputs = ((await readGraph(jack)) ?? [])
			.filter((p) => p.client === client && p.direction === 'input')
			.map((p) => p.name);
		if (inputs.length >= 2) {
			await connectPorts('jack_simple_client:output1', inputs[0]!, jack);
			await connectPorts('jack_simple_client:output2', inputs[1]!, jack);
			return;
		}
		await new Promise((r) => setTimeout(r, 25));
	}
}

export async function stopAll(children: ResultPromise[]): Promise<void> {
	await Promise.all(
		children.map(async (child) => {
			child.kill('SIGINT');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await child;
			clearTimeout(timer);
		}),
	);
}
