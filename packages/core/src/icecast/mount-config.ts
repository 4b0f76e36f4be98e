import type { MountSettings } from '../profile/types.js';

/**
 * Every profile's `mounts:` for one server, merged mount by mount: one profile may give a mount's
 * fallback and another its air check; a later one never erases what an earlier one said.
 */
export function mergeMounts(lists: readonly Record<string, MountSettings>[]): Record<string, MountSettings> {
	const merged: Record<string, MountSettings> = {};
	for (const mounts of lists)
		for (const [mount, settings] of Object.entries(mounts)) {
			const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
			merged[mount] = { ...merged[mount], ...defined };
		}
	return merged;
}

function xml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Icecast `<mount>` blocks for mounts with a fallback: listeners go to the fallback while nobody
 * feeds the mount, and come back the moment a source takes it (fallback-override). Each block
 * repeats the UTF-8 charset, since a mount of its own does not inherit the default mount's.
 */
export function mountBlocks(mounts: Record<string, MountSettings>, indent = ''): string {
	return Object.entries(mounts)
		.flatMap(([mount, settings]) => (settings.fallback === undefined ? [] : [[mount, settings.fallback] as const]))
		.map(([mount, fallback]) =>
			[
				'<mount type="normal">',
				`  <mount-name>${xml(mount)}</mount-name>`,
				`  <fallback-mount>${xml(fallback)}</fallback-mount>`,
				'  <fallback-override>1</fallback-override>',
				'  <charset>UTF-8</charset>',
				'</mount>',
			]
				.map((line) => `${indent}${line}`)
				.join('\n'),
		)
		.join('\n');
}

/**
 * An edge Icecast's `<relay>` blocks: it pulls each mount from the master (host:port) and serves
 * it under the same name, always (not on demand: a listener never waits for the pull to start),
 * with the MP3 titles relayed too.
 */
export function relayBlocks(host: string, port: number, mounts: readonly string[], indent = ''): string {
	return mounts
		.map((mount) =>
			[
				'<relay>',
				`  <server>${xml(host)}</server>`,
				`  <port>${port}</port>`,
				`  <mount>${xml(mount)}</mount>`,
				`  <local-mount>${xml(mount)}</local-mount>`,
				'  <on-demand>0</on-demand>',
				'  <relay-shoutcast-metadata>1</relay-shoutcast-metadata>',
				'</relay>',
			]
				.map((line) => `${indent}${line}`)
				.join('\n'),
		)
		.join('\n');
}
