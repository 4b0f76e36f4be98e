import type { ProfileStatus } from '../../src/status/types.js';

/**
 * Whom a profile can hand over to: the profiles sharing at least one mount with it (the same
 * listen URL, so the same server and mount, shared on both sides). Anyone else (an autodj on its
 * own mounts) would be refused by the engine.
 */
export function handoverCandidates(profiles: readonly ProfileStatus[], name: string): string[] {
	const own = profiles.find((p) => p.name === name);
	const urls = new Set(own?.outputs.filter((o) => o.shared).map((o) => o.url));
	return profiles
		.filter((p) => p.name !== name && p.outputs.some((o) => o.shared && urls.has(o.url)))
		.map((p) => p.name);
}
