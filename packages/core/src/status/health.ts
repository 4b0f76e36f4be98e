import type { OutputStatus, ProfileStatus, StatusSnapshot } from './types.js';

/** `ok` when nothing hurts listeners now or is about to; otherwise one sentence per problem. */
export interface Health {
	ok: boolean;
	problems: string[];
}

/**
 * Red exactly when listeners are hurt or about to be: nothing on air at all; a failed or
 * restarting encoder; an output that is not on air for its own fault (connecting, retrying,
 * stalled, failed) or that was dropped as too slow within the last minute; dead air on what is
 * on air; a mount nobody feeds that has no fallback; a recording the disk refuses. Not a fault: a
 * shared output in `standby` (handed over, held back before its slot, yielded for dead air) or
 * `waiting` while another source holds its mount, and a profile nobody asked to run (stopped).
 */
export function healthOf(status: StatusSnapshot): Health {
	const problems: string[] = [];
	if (status.profiles.length > 0 && status.profiles.every((p) => p.state === 'stopped'))
		problems.push('nothing is on air: every profile is stopped');
	for (const profile of status.profiles) {
		if (profile.state === 'stopped') continue;
		if (profile.state !== 'running') {
			problems.push(`profile ${profile.name} is ${profile.state}${profile.lastError ? `: ${profile.lastError}` : ''}`);
			if (profile.state === 'failed') continue;
		}
		for (const output of profile.outputs) {
			const problem = outputProblem(output);
			if (problem) problems.push(`profile ${profile.name}: ${output.mount} on ${output.server} ${problem}`);
		}
		if (profile.audio?.silent && onAir(profile)) {
			const since = profile.audio.silentSince ? ` since ${profile.audio.silentSince}` : '';
			problems.push(
				`profile ${profile.name}: dead air${since} on what is on air (every channel below the silence threshold)`,
			);
		}
		for (const recording of profile.recordings) {
			if (recording.state === 'retrying')
				problems.push(
					`profile ${profile.name}: recording ${recording.path} is retrying${recording.lastError ? ` (${recording.lastError})` : ''}`,
				);
		}
	}
	for (const mount of status.mounts)
		for (const server of mount.servers) {
			if (server.source === null && sharedHere(status, server.url)) {
				if (server.fallback === null)
					problems.push(
						`${mount.mount} on ${server.server}: nobody feeds it and it has no fallback: its listeners hear nothing`,
					);
				else if (server.fallbackSource === null)
					problems.push(
						`${mount.mount} on ${server.server}: nobody feeds it nor its fallback ${server.fallback}: its listeners hear nothing`,
					);
			}
			const check = server.recording;
			if (check?.state === 'retrying')
				problems.push(
					`${mount.mount} on ${server.server}: air check ${check.path} is retrying${check.lastError ? ` (${check.lastError})` : ''}`,
				);
		}
	return { ok: problems.length === 0, problems };
}

/** What is wrong with one output for its listeners, as the end of a sentence; undefined when nothing is. */
function outputProblem(output: OutputStatus): string | undefined {
	if (output.state === 'live')
		return output.lastErrorCode === 'E_ICECAST_SLOW'
			? `was dropped as too slow within the last minute (${output.lastError ?? 'its server does not keep up'})`
			: undefined;
	// Standing by or waiting for its turn is how shared mounts work; the mount's own source is judged above.
	if (output.shared && (output.state === 'standby' || output.state === 'waiting')) return undefined;
	return `is ${output.state}${output.lastError ? ` (${output.lastError})` : ''}`;
}

function onAir(profile: ProfileStatus): boolean {
	return profile.outputs.some((o) => o.state === 'live' || o.state === 'stalled');
}

/** Whether a running profile has this mount shared: only a shared mount is left to nobody on purpose. */
function sharedHere(status: StatusSnapshot, url: string): boolean {
	return status.profiles.some((p) => p.state !== 'stopped' && p.outputs.some((o) => o.url === url && o.shared));
}
