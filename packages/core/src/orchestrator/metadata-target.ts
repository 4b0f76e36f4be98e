import { JdcastError } from '../errors/index.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';

/**
 * New "now playing" for a running profile (every stream of it) or a mount (wherever a running
 * profile feeds it). Throws E_UNKNOWN_TARGET naming the profiles and mounts that exist.
 */
export async function setMetadataOf(
	running: readonly Supervisor[],
	target: string,
	metadata: Metadata,
): Promise<MetadataResult[]> {
	const byProfile = running.find((s) => s.name === target);
	if (byProfile) return byProfile.setMetadata(metadata);
	const mountsOf = (s: Supervisor) => [...new Set(s.plan.encoders.flatMap((e) => e.streams.map((t) => t.mount)))];
	const feeding = running.filter((s) => mountsOf(s).includes(target));
	if (feeding.length === 0) {
		const known = [...running.map((s) => s.name), ...running.flatMap(mountsOf)];
		throw new JdcastError(
			'E_UNKNOWN_TARGET',
			`no running profile or mount named ${JSON.stringify(target)}; known: ${known.join(', ') || 'none'}`,
		);
	}
	return (await Promise.all(feeding.map((s) => s.setMetadata(metadata, target)))).flat();
}
