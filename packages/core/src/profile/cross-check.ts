import { formatLocation, type Diagnostic, type Location } from './diagnostic.js';
import { recordingClashes } from './recording-clash.js';
import type { Encoding, Profile, ServerConfig, StreamSpec } from './types.js';

/**
 * Clashes between profiles that each look fine alone: two profiles of one name, one mount fed
 * twice on one server, one JACK client name twice on one JACK server. Each message names both places.
 */
export function crossCheck(profiles: readonly Profile[]): Diagnostic[] {
	const diagnostics: Diagnostic[] = [];
	const clash = (seen: Map<string, string>, key: string, at: Location, message: (first: string) => string) => {
		const first = seen.get(key);
		if (first === undefined) {
			seen.set(key, formatLocation(at));
			return;
		}
		report(at, message(first));
	};
	const report = (at: Location, message: string) => {
		diagnostics.push({ ...at, severity: 'error', message });
	};

	const names = new Map<string, string>();
	const mounts = new Map<string, string>();
	const sharedMounts = new Map<string, { at: Location; stream: StreamSpec }>();
	const clients = new Map<string, string>();
	/** Every stream by its target, and every declared fallback by the mount it is for. */
	const fed = new Map<string, StreamSpec>();
	const fallbacks = new Map<string, { fallback: string; fallbackKey: string; server: ServerConfig }>();
	for (const profile of profiles) {
		for (const server of Object.values(profile.servers)) {
			for (const [mount, settings] of Object.entries(server.mounts)) {
				if (settings.fallback === undefined) continue;
				const key = targetKey(server, mount);
				const first = fallbacks.get(key);
				if (first && first.fallback !== settings.fallback) {
					report(
						server.at,
						`servers.${server.name}.mounts.${mount}: falls back to ${settings.fallback} here and to ${first.fallback} at ${formatLocation(first.server.at)}; a mount has one fallback`,
					);
				} else if (!first)
					fallbacks.set(key, {
						fallback: settings.fallback,
						fallbackKey: targetKey(server, settings.fallback),
						server,
					});
			}
		}
	}
	for (const profile of profiles) {
		clash(
			names,
			profile.name,
			profile.at,
			(first) => `profile name ${JSON.stringify(profile.name)} is also used by ${first}`,
		);
		if (profile.input.kind === 'jack') {
			const { client, server } = profile.input;
			clash(
				clients,
				`${server ?? ''}\u0000${client}`,
				profile.input.at,
				(first) =>
					`JACK client ${JSON.stringify(client)} on ${server ? `JACK server ${JSON.stringify(server)}` : 'the default JACK server'} is also used by ${first}`,
			);
		}
		const own = new Set<string>();
		for (const stream of profile.streams) {
			for (const serverName of stream.servers) {
				const server = profile.servers[serverName];
				if (!server) continue;
				const key = targetKey(server, stream.mount);
				if (own.has(key)) continue; // the same profile's own duplicates are reported where it is loaded
				own.add(key);
				if (!fed.has(key)) fed.set(key, stream);
				const where = `${stream.mount} on ${server.host}:${server.port}`;
				const shared = sharedMounts.get(key);
				if (stream.shared && shared) {
					const difference = encodingDifference(stream, shared.stream);
					if (difference)
						report(
							stream.at,
							`${where} is shared with ${formatLocation(shared.at)}, but ${difference}: listeners are handed from one to the other, so format, channels and sample rate (and an MP3 or AAC bitrate and AAC profile) must agree`,
						);
					continue;
				}
				if (stream.shared && !mounts.has(key)) sharedMounts.set(key, { at: stream.at, stream });
				clash(
					mounts,
					key,
					stream.at,
					(first) =>
						`${where} is also fed by ${first}${stream.shared || shared ? '; to take it in turns, mark both streams `shared: true`' : ''}`,
				);
			}
		}
	}
	// Listeners are moved between a mount and its fallback: a player must be able to go on.
	for (const [key, { fallback, fallbackKey }] of fallbacks) {
		const live = fed.get(key);
		const behind = fed.get(fallbackKey);
		const difference = live && behind ? encodingDifference(behind, live) : undefined;
		if (live && behind && difference)
			report(
				behind.at,
				`${fallback} is the fallback of ${live.mount} (${formatLocation(live.at)}), but ${difference}: listeners are moved between them, so format, channels and sample rate (and an MP3 or AAC bitrate and AAC profile) must agree`,
			);
	}
	diagnostics.push(...recordingClashes(profiles, fed, targetKey));
	diagnostics.push(...portClashes(profiles));
	return diagnostics;
}

/**
 * A harbor's port that another harbor or an embedded icecast2 of these profiles also listens on:
 * the second to start could not. (A port another program holds is said when the harbor starts.)
 */
function portClashes(profiles: readonly Profile[]): Diagnostic[] {
	const diagnostics: Diagnostic[] = [];
	const embedded = new Map<number, string>();
	for (const profile of profiles)
		for (const server of Object.values(profile.servers))
			if (server.embedded && !embedded.has(server.port)) embedded.set(server.port, formatLocation(server.at));
	const harbors = new Map<number, string>();
	for (const profile of profiles) {
		if (profile.input.kind !== 'harbor') continue;
		const { port, at } = profile.input;
		const server = embedded.get(port);
		const harbor = harbors.get(port);
		const message = server
			? `input.harbor.port: ${port} is the port of the embedded server at ${server}; give the harbor another`
			: harbor
				? `input.harbor.port: ${port} is also the harbor port of ${harbor}; each harbor needs a port of its own`
				: undefined;
		if (message) diagnostics.push({ ...at, severity: 'error', message });
		else harbors.set(port, formatLocation(at));
	}
	return diagnostics;
}

/** One mount of one Icecast server, whichever profile names it and how. */
export function targetKey(server: Pick<ServerConfig, 'embedded' | 'host' | 'port'>, mount: string): string {
	return `${server.embedded ? 'embedded' : server.host.toLowerCase()}:${server.port}${mount}`;
}

/** Whether a listener handed from one encoding to the other would not notice: see encodingDifference. */
export function sameEncoding(a: Encoding, b: Encoding): boolean {
	return encodingDifference(a, b) === undefined;
}

/** How two encodings of one mount's sources differ, in words; undefined when a listener would not notice the change. */
function encodingDifference(here: Encoding, there: Encoding): string | undefined {
	const describe = (s: Encoding) =>
		`${s.format}${s.profile ? ` ${s.profile}` : ''}${s.format === 'mp3' || s.format === 'aac' ? ` ${s.bitrate} kbps` : ''}, ${s.channels} channel${s.channels === 1 ? '' : 's'}${s.samplerate ? `, ${s.samplerate} Hz` : ''}`;
	const same =
		here.format === there.format &&
		here.channels === there.channels &&
		here.samplerate === there.samplerate &&
		here.profile === there.profile &&
		((here.format !== 'mp3' && here.format !== 'aac') || here.bitrate === there.bitrate);
	return same ? undefined : `it is ${describe(here)} here and ${describe(there)} there`;
}
