import { requestOf, type CallArgs, type HttpApi } from '../../src/control/api.js';

/** The dashboard's calls to its jdcast: the control API under /api, answers or one sentence. */
export class ApiError extends Error {}

async function call<R extends keyof HttpApi>(route: R, ...args: CallArgs<HttpApi, R>): Promise<HttpApi[R]['response']> {
	const { method, path, body } = requestOf(route, args);
	let response: Response;
	try {
		response = await fetch(`/api${path}`, {
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
	const parsed = (await response.json().catch(() => ({}))) as HttpApi[R]['response'] & {
		error?: { message: string; details?: string[] };
	};
	if (!response.ok)
		throw new ApiError(
			[parsed.error?.message ?? `HTTP ${response.status}`, ...(parsed.error?.details ?? [])].join('\n'),
		);
	return parsed;
}

export const api = {
	status: () => call('GET /status'),
	listeners: () => call('GET /listeners'),
	start: (profile: string) => call('POST /profiles/:name/start', profile),
	stop: (profile: string) => call('POST /profiles/:name/stop', profile),
	reload: () => call('POST /reload'),
	metadata: (target: string, title: string, artist: string) => call('POST /metadata', { target, title, artist }),
	handover: (from: string, to: string) => call('POST /handover', { from, to }),
};
