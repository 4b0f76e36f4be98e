import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Health } from '../status/health.js';
import type {
	HandoverResult,
	JackClientAnswer,
	ListenerSeries,
	ProfileState,
	ReloadResult,
	StatusSnapshot,
} from '../status/types.js';

/** The answer to starting or stopping a profile: its state afterwards. */
export interface ProfileStateAnswer {
	profile: string;
	state: ProfileState;
}

/** What the control API answers, route by route (JSON in and out). */
export interface ControlApi {
	'GET /status': { request: undefined; response: StatusSnapshot };
	'GET /health': { request: undefined; response: Health };
	'POST /profiles/:name/start': { request: undefined; response: ProfileStateAnswer };
	'POST /profiles/:name/stop': { request: undefined; response: ProfileStateAnswer };
	'POST /metadata': { request: { target: string } & Metadata; response: { results: MetadataResult[] } };
	'POST /reload': { request: undefined; response: ReloadResult };
	/** `jdcast disconnect`: the client's connections into the profile removed and kept off until its next start or reload. */
	'POST /profiles/:name/disconnect': { request: { client: string }; response: JackClientAnswer };
	/** `jdcast connect`: a held client back, or a client no rule names connected whole. */
	'POST /profiles/:name/connect': { request: { client: string }; response: JackClientAnswer };
	'POST /handover': {
		request: { from: string; to: string; force?: boolean; stop?: boolean };
		response: HandoverResult;
	};
}

/** The HTTP side's `/api`: the control API, and the listener history the dashboard draws. */
export interface HttpApi extends ControlApi {
	'GET /listeners': { request: undefined; response: { intervalSeconds: number; mounts: ListenerSeries[] } };
}

/** An error answer: `{ "error": { "code", "message", "details"? } }`. */
export interface ControlErrorBody {
	error: { code: string; message: string; details?: string[] };
}

/** What a call of a route takes: the profile name where the path has `:name`, then the body where there is one. */
export type CallArgs<Api extends { [K in keyof Api]: { request: unknown } }, R extends keyof Api & string> = [
	...(R extends `${string}:name${string}` ? [name: string] : []),
	...(Api[R]['request'] extends undefined ? [] : [body: Api[R]['request']]),
];

/** The method, path (`:name` filled in, URL-encoded) and body of a call: what a client sends. */
export function requestOf(
	route: keyof HttpApi,
	args: readonly unknown[],
): { method: 'GET' | 'POST'; path: string; body: unknown } {
	const space = route.indexOf(' ');
	const named = route.includes(':name');
	return {
		method: route.slice(0, space) as 'GET' | 'POST',
		path: route.slice(space + 1).replace(':name', encodeURIComponent(String(named ? args[0] : ''))),
		body: args[named ? 1 : 0],
	};
}
