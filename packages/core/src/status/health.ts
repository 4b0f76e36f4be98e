import type { StatusSnapshot } from './types.js';

/** `ok` when every running profile is on air and audible; otherwise one sentence per problem. */
export interface Health {
	ok: boolean;
	problems: string[];
}

/**
 * What a listener would notice, profile by profile: a failed or restarting encoder, an output
 * that is not live, dead air, a recording that the disk refuses; and nothing on air at all. A
 * shared mount waiting for its turn is fine while another profile of this jdcast has it live.
 * Stopped profiles are not asked about.
 */
export function healthOf(status: StatusSnapshot): Health {
	const problems: string[] = [];
	const liveUrls = new Set(
		status.profiles.flatMap((p) => p.outputs.filter((o) => o.state === 'live').map((o) => o.url)),
	);
	if (status.profiles.length > 0 && status.profiles.every((p) => p.state === 'stopped'))
		problems.push('nothing is on air: every profile is stopped');
	for (const profile of status.profiles) {
		if (profile.state === 'stopped') continue;
		if (profile.state !== 'running') {
			problems.push(`profile ${profile.name} is ${profile.state}${profile.lastError ? `: ${profile.lastError}` : ''}`);
			if (profile.state === 'failed') continue;
		}
		for (const output of profile.outputs) {
			if (output.state === 'live' || (output.shared && output.state === 'waiting' && liveUrls.has(output.url)))
				continue;
			const why =
				output.state === 'waiting'
					? ' for its turn: no profile of this jdcast has it on air (a source elsewhere may)'
					: output.lastError
						? ` (${output.lastError})`
						: '';
			problems.push(`profile ${profile.name}: ${output.mount} on ${output.server} is ${output.state}${why}`);
		}
		if (profile.audio?.silent) {
			const since = profile.audio.silentSince ? ` since ${profile.audio.silentSince}` : '';
			problems.push(`profile ${profile.name}: dead air${since} (every channel below the silence threshold)`);
		}
		for (const recording of profile.recordings) {
			if (recording.state === 'retrying')
				problems.push(
					`profile ${profile.name}: recording ${recording.path} is retrying${recording.lastError ? ` (${recording.lastError})` : ''}`,
				);
		}
	}
	return { ok: problems.length === 0, problems };
}
