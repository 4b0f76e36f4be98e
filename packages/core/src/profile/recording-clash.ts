import path from 'node:path';
import { formatSpec } from '../formats/index.js';
import { formatLocation, type Diagnostic, type Location } from './diagnostic.js';
import type { MountRecordingSpec, Profile, StreamSpec } from './types.js';

/** One mount of one server as cross-check.ts keys it. */
type TargetKey = (server: Profile['servers'][string], mount: string) => string;

/**
 * Recordings of one run that would write the same files: two profiles' `shows/{date}.opus`, or an
 * air check named like a profile's recording (a name taken at run time costs nothing — the next
 * part is used — but two recordings sharing names would confuse `keep` and every person reading
 * the folder). And air checks of one mount that disagree, or that record a mount no profile here
 * streams (its encoding is unknown).
 */
export function recordingClashes(
	profiles: readonly Profile[],
	fed: ReadonlyMap<string, StreamSpec>,
	targetKey: TargetKey,
): Diagnostic[] {
	const diagnostics: Diagnostic[] = [];
	const error = (at: Location, message: string) => diagnostics.push({ ...at, severity: 'error', message });
	const shapes = new Map<string, Location>();
	/** Takes a shape for a recording; true (and said) when another recording has it already. */
	const claim = (shape: string, at: Location, what: string): boolean => {
		const first = shapes.get(shape);
		if (first && first !== at) {
			error(
				at,
				`${what} can write the same files as the recording at ${formatLocation(first)}: give one of them another name`,
			);
			return true;
		}
		shapes.set(shape, at);
		return false;
	};
	for (const profile of profiles)
		for (const r of profile.recordings)
			claim(shapeOf(profile.baseDir, r.path.replaceAll('{profile}', profile.name)), r.at, `record path ${r.path}`);
	const checks = new Map<string, MountRecordingSpec>();
	for (const profile of profiles)
		for (const server of Object.values(profile.servers))
			for (const [mount, settings] of Object.entries(server.mounts)) {
				const spec = settings.record;
				if (!spec) continue;
				const key = targetKey(server, mount);
				const label = `servers.${server.name}.mounts.${mount}.record`;
				const first = checks.get(key);
				if (first) {
					// The same air check said in every profile of the station: one recording.
					if (!sameCheck(first, spec))
						error(
							spec.at,
							`${label} differs from the air check of this mount at ${formatLocation(first.at)}: a mount has one`,
						);
					continue;
				}
				checks.set(key, spec);
				const stream = fed.get(key);
				if (!stream) {
					error(
						spec.at,
						`${label}: no profile here streams ${mount} to this server: an air check records what they send`,
					);
					continue;
				}
				const { extensions, kind } = formatSpec(stream.format).recording;
				if (!extensions.includes(path.extname(spec.path).toLowerCase()))
					error(
						spec.at,
						`${label}.path: ${mount} is ${stream.format} (${formatLocation(stream.at)}), so its air check is ${kind}; expected a name ending in ${extensions.join(' or ')}`,
					);
				// {slot} may become any profile of the run, `external` or `fallback`: every file it can write is claimed.
				const holders = [...profiles.map((p) => p.name), 'external', 'fallback'];
				const shapes = new Set(holders.map((h) => shapeOf(spec.baseDir, spec.path.replaceAll('{slot}', h))));
				for (const shape of shapes) if (claim(shape, spec.at, `${label}.path`)) break;
			}
	return diagnostics;
}

/** A template as the files it may write: resolved, {date} and {slot} standing for any value. */
function shapeOf(baseDir: string, template: string): string {
	return path.resolve(baseDir, template).replaceAll('{date}', '\u0000date').replaceAll('{slot}', '\u0000slot');
}

function sameCheck(a: MountRecordingSpec, b: MountRecordingSpec): boolean {
	return (
		shapeOf(a.baseDir, a.path) === shapeOf(b.baseDir, b.path) &&
		a.split === b.split &&
		JSON.stringify(a.keep) === JSON.stringify(b.keep)
	);
}
