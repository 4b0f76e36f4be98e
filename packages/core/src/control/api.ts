import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { ReloadResult } from '../status/types.js';
import type { Health } from '../status/health.js';
import type { HandoverResult, StatusSnapshot } from '../status/types.js';

/** What the control API answers, route by route (JSON in and out). */
export interface ControlApi {
	'GET /status': { request: undefined; response: StatusSnapshot };
	'GET /health': { request: undefined; response: Health };
	'POST /profiles/:name/start': { request: undefined; response: { profile: string; state: string } };
	'POST /profiles/:name/stop': { request: undefined; response: { profile: string; state: string } };
	'POST /metadata': { request: { target: string } & Metadata; response: { results: MetadataResult[] } };
	'POST /reload': { request: undefined; response: ReloadResult };
	'POST /handover': {
		request: { from: string; to: string; force?: boolean; stop?: boolean };
		response: HandoverResult;
	};
}

/** An error answer: `{ "error": { "code", "message", "details"? } }`. */
export interface ControlErrorBody {
	error: { code: string; message: string; details?: string[] };
}
