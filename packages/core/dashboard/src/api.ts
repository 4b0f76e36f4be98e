import type { HandoverResult, ListenerSeries, ReloadResult, StatusSnapshot } from '../../src/status/types.js';
import type { MetadataResult } from '../../src/metadata/types.js';

/** The dashboard's calls to its jdcast: the control API under /api, answers or one sentence. */
export class ApiError extends Error {}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
			credentials: 'same-origin',
		});
	} catch {
		throw new ApiError('jdcast does not answer (stopped or restarting?)');
	}
	if (response.status === 401) {
		location.assign('/login');
		throw new ApiError('log in first');
	}
	const parsed = (await response.json().catch(() => ({}))) as T & { error?: { message: string; details?: string[] } };
	if (!response.ok)
		throw new ApiError(
			[parsed.error?.message ?? `HTTP ${response.status}`, ...(parsed.error?.details ?? [])].join('\n'),
		);
	return parsed;
}

export const api = {
	status: () => call<StatusSnapshot>('GET', '/api/status'),
	listeners: () => call<{ intervalSeconds: number; mounts: ListenerSeries[] }>('GET', '/api/listeners'),
	start: (profile: string) =>
		call<{ profile: string; state: string }>('POST', `/api/profiles/${encodeURIComponent(profile)}/start`),
	stop: (profile: string) =>
		call<{ profile: string; state: string }>('POST', `/api/profiles/${encodeURIComponent(profile)}/stop`),
	reload: () => call<ReloadResult>('POST', '/api/reload'),
	metadata: (target: string, title: string, artist: string) =>
		call<{ results: MetadataResult[] }>('POST', '/api/metadata', { target, title, artist }),
	handover: (from: string, to: string) => call<HandoverResult>('POST', '/api/handover', { from, to }),
};
