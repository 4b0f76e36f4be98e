import type { MountSettings } from '../profile/types.js';

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
		.map(([mount, settings]) =>
			[
				'<mount type="normal">',
				`  <mount-name>${xml(mount)}</mount-name>`,
				`  <fallback-mount>${xml(settings.fallback)}</fallback-mount>`,
				'  <fallback-override>1</fallback-override>',
				'  <charset>UTF-8</charset>',
				'</mount>',
			]
				.map((line) => `${indent}${line}`)
				.join('\n'),
		)
		.join('\n');
}
