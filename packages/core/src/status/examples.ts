import type { AudioStatus, OutputStatus, ProfileStatus, StatusSnapshot } from './types.js';
import { listenersByMount } from './types.js';

/**
 * Status objects for tests of what shows a status (a table, a sentence, a health check): a live
 * Opus output, an audible stereo meter, a running profile, each with the fields a test sets.
 */
export function exampleOutput(o: Partial<OutputStatus> = {}): OutputStatus {
	const mount = o.mount ?? '/night.opus';
	return {
		server: 'main',
		mount,
		shared: false,
		format: 'opus',
		bitrate: 96,
		state: 'live',
		bytesSent: 1,
		kbps: 96,
		reconnects: 0,
		lastError: null,
		lastErrorCode: null,
		listeners: 0,
		nowPlaying: null,
		liveSince: null,
		url: `http://127.0.0.1:8000${mount}`,
		...o,
	};
}

export function exampleAudio(a: Partial<AudioStatus> = {}): AudioStatus {
	return {
		peakDb: [-6, -6],
		rmsDb: [-18, -18],
		momentaryLufs: -16,
		shortTermLufs: -16,
		integratedLufs: -16,
		truePeakDb: -5.9,
		silent: false,
		silentSince: null,
		clips: 0,
		...a,
	};
}

export function exampleProfile(p: Partial<ProfileStatus> = {}): ProfileStatus {
	return {
		name: 'night',
		state: 'running',
		lastError: null,
		encoder: { pid: 1, restarts: 0, xruns: 0 },
		audio: exampleAudio(),
		jack: null,
		outputs: [exampleOutput()],
		recordings: [],
		...p,
	};
}

/** A snapshot of these profiles; a mount's source is the profile live on it (as the MountBroker would say), `fallbacks` by URL. */
export function exampleSnapshot(profiles: ProfileStatus[], fallbacks: Record<string, string> = {}): StatusSnapshot {
	const holder = (url: string) => ({
		source:
			profiles.find((p) => p.state !== 'stopped' && p.outputs.some((o) => o.url === url && o.state === 'live'))?.name ??
			null,
		sourceSince: null,
		fallback: fallbacks[url] ?? null,
		// The fallback is fed by a profile live on it, as the MountBroker would say.
		fallbackSource:
			profiles.find((p) =>
				p.outputs.some((o) => fallbacks[url] !== undefined && o.url.endsWith(fallbacks[url]) && o.state === 'live'),
			)?.name ?? null,
		recording: null,
	});
	return { profiles, mounts: listenersByMount(profiles, holder), process: { pid: 1, loopDelayMaxMs: 1 } };
}
