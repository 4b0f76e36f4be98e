import type { Tap } from '../fanout/tap.js';
import { cleanMetadata, type Metadata, type MetadataResult } from '../metadata/types.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { RecordingSink } from '../outputs/recording.js';
import type { EncodePlan } from '../plan/plan.js';

/** What a profile's "now playing" reaches: its encoders' taps, its outputs, its recordings. */
export interface NowPlayingTargets {
	profile: string;
	plan: EncodePlan;
	taps: ReadonlyMap<number, Tap>;
	outputs: readonly IcecastOutput[];
	recordings: readonly RecordingSink[];
}

/**
 * New "now playing" for a profile, or for one of its mounts: Ogg streams in band (a new link of
 * the chain, for every mount and recording of that encoding); MP3 mounts through Icecast's admin
 * API; recordings mark it in their track lists. Resolves once each target has it, one result each.
 */
export async function sendNowPlaying(
	to: NowPlayingTargets,
	given: Metadata,
	mount?: string,
): Promise<{ metadata: Metadata; results: MetadataResult[] }> {
	const metadata = cleanMetadata(given);
	const results: Promise<MetadataResult>[] = [];
	for (const encoder of to.plan.encoders) {
		if (mount !== undefined && !encoder.streams.some((s) => s.mount === mount)) continue;
		const inBand = to.taps.get(encoder.fd)?.setTags(metadata) ?? false;
		for (const output of to.outputs.filter((o) =>
			encoder.streams.some((s) => s.server === o.server.name && s.mount === o.mount),
		)) {
			const base = {
				profile: to.profile,
				server: output.server.name,
				mount: output.mount,
				via: inBand ? ('in-band' as const) : ('admin' as const),
			};
			results.push(
				output.setMetadata(metadata).then(
					() => ({ ...base, ok: true, error: null }),
					(error: Error) => ({ ...base, ok: false, error: error.message }),
				),
			);
		}
	}
	// Recordings mark the change in their track lists (the file itself stays one stream).
	if (mount === undefined) for (const recording of to.recordings) void recording.setMetadata(metadata);
	return { metadata, results: await Promise.all(results) };
}

/** A stream's own "now playing" from its profile's `info` (title, artist), if it says one. */
export function metadataOf(info: { title?: string; artist?: string }): Metadata | undefined {
	if (info.title === undefined && info.artist === undefined) return undefined;
	return cleanMetadata({
		...(info.title !== undefined ? { title: info.title } : {}),
		...(info.artist !== undefined ? { artist: info.artist } : {}),
	});
}
