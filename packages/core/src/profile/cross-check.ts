import type { Diagnostic } from './diagnostic.js';
import type { Profile } from './types.js';

/**
 * Clashes between profiles that each look fine alone: two profiles of one name, one mount fed
 * twice on one server, one JACK client name twice on one JACK server. Each message names both places.
 */
export function crossCheck(profiles: readonly Profile[]): Diagnostic[] {
	const diagnostics: Diagnostic[] = [];
	const clash = (seen: Map<string, string>, key: string, at: string, message: (first: string) => string) => {
		const first = seen.get(key);
		if (first === undefined) {
			seen.set(key, at);
			return;
		}
		const [file, line, col] = splitAt(at);
		diagnostics.push({ file, line, col, severity: 'error', message: message(first) });
	};

	const names = new Map<string, string>();
	const mounts = new Map<string, string>();
	const clients = new Map<string, string>();
	for (const profile of profiles) {
		clash(names, profile.name, profile.at, (first) => `profile name ${JSON.stringify(profile.name)} is also used by ${first}`);
		if (profile.input.kind === 'jack') {
			const { client, server } = profile.input;
			clash(clients, `${server ?? ''}\u0000${client}`, profile.input.at, (first) => `JACK client ${JSON.stringify(client)} on ${server ? `JACK server ${JSON.stringify(server)}` : 'the default JACK server'} is also used by ${first}`);
		}
		const own = new Set<string>();
		for (const stream of profile.streams) {
			for (const serverName of stream.servers) {
				const server = profile.servers[serverName];
				if (!server) continue;
				const key = `${server.embedded ? 'embedded' : server.host.toLowerCase()}:${server.port}${stream.mount}`;
				if (own.has(key)) continue; // the same profile's own duplicates are reported where it is loaded
				own.add(key);
				clash(mounts, key, stream.at, (first) => `${stream.mount} on ${server.host}:${server.port} is also fed by ${first}`);
			}
		}
	}
	return diagnostics;
}

function splitAt(at: string): [string, number, number] {
	const match = /^(.*):(\d+):(\d+)$/.exec(at);
	return match ? [match[1]!, Number(match[2]), Number(match[3])] : [at, 1, 1];
}
