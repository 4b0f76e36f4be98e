import type { StatusSnapshot } from './types.js';

/** `ok` when every running profile is on air and audible; otherwise one sentence per problem. */
export interface Health {
	ok: boolean;
	problems: string[];
}

/**
 * What a listener would notice, profile by profile: a failed or restarting encoder, an output
 * that is not live (a shared mount waiting for its turn is fine), dead air, a recording that
 * the disk refuses. Stopped profiles are not asked about.
 */
export function healthOf(status: StatusSnapshot): Health {
	const problems: string[] = [];
	for (const profile of status.profiles) {
		if (profile.state === 'stopped') continue;
		if (profile.state !== 'running') {
			problems.push(`profile ${profile.name} is ${profile.state}${profile.lastError ? `: ${profile.lastError}` : ''}`);
			if (profile.state === 'failed') continue;
		}
		for (const output of profile.outputs) {
			if (output.state === 'live' || (output.shared && output.state === 'waiting')) continue;
			problems.push(`profile ${profile.name}: ${output.mount} on ${output.server} is ${output.state}${output.lastError ? ` (${output.lastError})` : ''}`);
		}
		if (profile.audio?.silent) {
			const since = profile.audio.silentSince ? ` since ${profile.audio.silentSince}` : '';
			problems.push(`profile ${profile.name}: dead air${since} (every channel below the silence threshold)`);
		}
		for (const recording of profile.recordings) {
			if (recording.state === 'retrying') problems.push(`profile ${profile.name}: recording ${recording.path} is retrying${recording.lastError ? ` (${recording.lastError})` : ''}`);
		}
	}
	return { ok: problems.length === 0, problems };
}
