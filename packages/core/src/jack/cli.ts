import { childEnvironment } from '../util/child-env.js';
import { execa } from 'execa';

export interface JackPort {
	name: string;
	client: string;
	direction: 'input' | 'output';
	audio: boolean;
	connections: string[];
}

/** The environment of a JACK tool: the basics and JACK's variables only (no password variable). */
export function jackEnv(server: string | undefined): { env: Record<string, string>; extendEnv: false } {
	return {
		env: childEnvironment({ JACK_NO_START_SERVER: '1', ...(server ? { JACK_DEFAULT_SERVER: server } : {}) }),
		extendEnv: false,
	};
}

/** Every port with its connections, in JACK's order; undefined when the server is not running. */
export async function readGraph(server: string | undefined): Promise<JackPort[] | undefined> {
	const result = await execa('jack_lsp', ['-c', '-p', '-t'], { ...jackEnv(server), reject: false, timeout: 5000 });
	if (result.exitCode !== 0) return undefined;
	const ports: JackPort[] = [];
	for (const line of result.stdout.split('\n')) {
		if (line.startsWith('\tproperties:')) {
			const port = ports[ports.length - 1];
			if (port) port.direction = line.includes('input') ? 'input' : 'output';
		} else if (line.startsWith('\t')) {
			const port = ports[ports.length - 1];
			if (port) port.audio = line.includes('audio');
		} else if (line.startsWith('   ')) {
			ports[ports.length - 1]?.connections.push(line.trim());
		} else if (line.trim()) {
			const name = line.trim();
			ports.push({
				name,
				client: name.slice(0, name.indexOf(':')),
				direction: 'output',
				audio: false,
				connections: [],
			});
		}
	}
	return ports;
}

/**
 * Connects two ports; true when jack_connect said it did. Not to be believed alone: JACK answers
 * "cannot connect client, already connected?" both for a connection that exists and for a client
 * not active yet (JackTrip before its peer arrives), so callers read the graph afterwards.
 */
export async function connectPorts(from: string, to: string, server: string | undefined): Promise<boolean> {
	const result = await execa('jack_connect', [from, to], { ...jackEnv(server), reject: false, timeout: 5000 });
	return result.exitCode === 0;
}

/** Disconnects two ports; true when jack_disconnect said it did (the graph read afterwards is what counts). */
export async function disconnectPorts(from: string, to: string, server: string | undefined): Promise<boolean> {
	const result = await execa('jack_disconnect', [from, to], { ...jackEnv(server), reject: false, timeout: 5000 });
	return result.exitCode === 0;
}
