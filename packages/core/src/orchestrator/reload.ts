import type { Profile } from '../profile/types.js';
import type { ReloadResult } from '../status/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { sameDefinition } from './profile-state.js';

/** What a reload needs of the engine around it. */
export interface ReloadPlace {
	/** Every known profile by name: the reload changes it to the new set. */
	known: Map<string, Profile>;
	running(name: string): Supervisor | undefined;
	stop(name: string): Promise<void>;
	/** Drops what is remembered of a stopped profile's last run. */
	forget(name: string): void;
	startServers(profiles: readonly Profile[]): Promise<void>;
	/** Whether a schedule (if any) has the profile run now, ahead of its slot, or not. */
	due(name: string): 'now' | 'ahead' | undefined;
	run(profile: Profile, holdShared: boolean): Promise<void>;
}

/**
 * Takes a new set of profiles: unchanged ones keep streaming untouched (same ffmpeg, no
 * reconnect; clients held by `jdcast disconnect` come back), changed ones restart, removed ones
 * stop, new ones start — those a schedule has on air now, or next.
 */
export async function reloadProfiles(place: ReloadPlace, profiles: readonly Profile[]): Promise<ReloadResult> {
	const result: ReloadResult = { started: [], stopped: [], restarted: [], unchanged: [] };
	const next = new Map(profiles.map((p) => [p.name, p]));
	for (const name of [...place.known.keys()]) {
		if (next.has(name)) continue;
		await place.stop(name);
		place.known.delete(name);
		place.forget(name);
		result.stopped.push(name);
	}
	await place.startServers(profiles);
	for (const profile of profiles) {
		const before = place.known.get(profile.name);
		place.known.set(profile.name, profile);
		if (before && sameDefinition(before, profile)) {
			result.unchanged.push(profile.name);
			await place.running(profile.name)?.releaseHeldClients();
			continue;
		}
		if (place.running(profile.name)) await place.stop(profile.name);
		place.forget(profile.name);
		const due = place.due(profile.name);
		if (!due) {
			result.stopped.push(profile.name);
			continue;
		}
		await place.run(profile, due === 'ahead');
		(before ? result.restarted : result.started).push(profile.name);
	}
	return result;
}
