import {
	loadProfileFiles,
	mergeMounts,
	mountBlocks,
	relayBlocks,
	type MountSettings,
	type Profile,
} from '@jdcast/core';
import { printDiagnostics } from '../output/diagnostics.js';
import { profilesAmong } from '../run/profile-files.js';
import { helpOption, type Command } from './command.js';

export const icecastConfig: Command = {
	name: 'icecast-config',
	summary: "Print the <mount> blocks (fallbacks) to paste into your own Icecast server's icecast.xml.",
	usage: 'jdcast icecast-config [--edge SERVER] FILES...',
	options: {
		edge: {
			type: 'string',
			description:
				"print instead the <relay> blocks of an edge Icecast that pulls every mount the profiles send to SERVER (a server's name in the profiles)",
			placeholder: 'SERVER',
		},
		...helpOption,
	},
	details: [
		'For every server of the profiles that is not embedded: the mounts of `servers.NAME.mounts`',
		'(fallback-mount, fallback-override 1, UTF-8 charset), to go inside <icecast>. Listeners of a',
		'shared mount then move to its fallback while no DJ feeds it, and back without reconnecting.',
		'A shared mount without a fallback is named on standard error: its listeners are cut off',
		'between DJs.',
	],
	needsFiles: true,
	async run({ values, positionals }) {
		// A schedule among the files (profiles/station/*.yaml) is not this command's business.
		const loaded = await loadProfileFiles(await profilesAmong('icecast-config', positionals));
		printDiagnostics(loaded.diagnostics);
		if (!loaded.ok) return 1;
		if (typeof values.edge === 'string') return printRelays(loaded.profiles, values.edge);
		const servers = new Map<
			string,
			{ mounts: Record<string, MountSettings>; shared: Set<string>; names: Set<string> }
		>();
		let embeddedFallbacks = 0;
		for (const profile of loaded.profiles) {
			for (const server of Object.values(profile.servers)) {
				if (server.embedded) {
					embeddedFallbacks += Object.values(server.mounts).filter((m) => m.fallback !== undefined).length;
					continue;
				}
				const key = `${server.host.toLowerCase()}:${server.port}`;
				const entry = servers.get(key) ?? { mounts: {}, shared: new Set<string>(), names: new Set<string>() };
				entry.mounts = mergeMounts([entry.mounts, server.mounts]);
				entry.names.add(`servers.${server.name} of ${profile.name}`);
				for (const stream of profile.streams)
					if (stream.shared && stream.servers.includes(server.name)) entry.shared.add(stream.mount);
				servers.set(key, entry);
			}
		}
		let printed = 0;
		for (const [key, { mounts, shared, names }] of servers) {
			for (const mount of shared) {
				if (!mounts[mount]?.fallback)
					process.stderr.write(
						`jdcast: ${mount} on ${key} is shared but has no fallback: its listeners are cut off between DJs; add servers.NAME.mounts: { "${mount}": { fallback: /autodj… } }\n`,
					);
			}
			if (!Object.values(mounts).some((m) => m.fallback !== undefined)) continue;
			process.stdout.write(
				`${printed++ ? '\n' : ''}<!-- ${key} (${[...names].join(', ')}): inside <icecast> -->\n${mountBlocks(mounts)}\n`,
			);
		}
		if (printed === 0)
			process.stderr.write(
				embeddedFallbacks > 0
					? 'jdcast: the fallbacks of these profiles are on embedded servers: jdcast writes them into the icecast.xml it generates; nothing to paste\n'
					: 'jdcast: no server of these profiles has `mounts:` with a fallback; nothing to print\n',
			);
		return 0;
	},
};

/** The pull side (docs/scaling.md): an edge's <relay> blocks for every mount the profiles send to `master`. */
function printRelays(profiles: Profile[], master: string): number {
	const servers = profiles.flatMap((p) => Object.values(p.servers).filter((s) => s.name === master));
	if (servers.length === 0) {
		const names = [...new Set(profiles.flatMap((p) => Object.keys(p.servers)))];
		process.stderr.write(
			`jdcast: no server named ${JSON.stringify(master)} in these profiles; servers are ${names.join(', ')}\n`,
		);
		return 1;
	}
	const { host, port } = servers[0]!;
	const mounts = [
		...new Set(profiles.flatMap((p) => p.streams.filter((s) => s.servers.includes(master)).map((s) => s.mount))),
	];
	process.stdout.write(
		`<!-- an edge of ${host}:${port}: inside <icecast> of each edge (see docs/scaling.md) -->\n${relayBlocks(host, port, mounts)}\n`,
	);
	return 0;
}
