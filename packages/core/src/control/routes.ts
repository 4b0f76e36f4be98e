import type http from 'node:http';
import { httpStatusOf, JdcastError, ProfileError } from '../errors/index.js';
import type { Metadata } from '../metadata/types.js';
import type { Engine } from '../orchestrator/engine.js';
import type { ReloadResult } from '../status/types.js';
import { healthOf } from '../status/health.js';
import type { ControlErrorBody } from './api.js';

/** What both transports (the Unix socket and `--http`'s /api) need to answer. */
export interface ApiContext {
	orchestrator: Engine;
	/**
	 * Re-reads the profiles (jdcast reload, SIGHUP); throws ProfileError to refuse. Without it, a reload
	 * changes nothing.
	 */
	reload?: () => Promise<ReloadResult>;
}

export interface ApiAnswer {
	status: number;
	body: unknown;
}

const MAX_BODY = 64 * 1024;
const ROUTES =
	'GET /status, GET /health, POST /profiles/NAME/start, POST /profiles/NAME/stop, POST /profiles/NAME/disconnect, POST /profiles/NAME/connect, POST /metadata, POST /reload, POST /handover';

/**
 * The control API, one for both transports: `route` is `METHOD /path` without the transport's
 * prefix. Answers with the JSON body and its HTTP status, errors as `{ error: { code, message } }`.
 */
export async function answerApi(context: ApiContext, route: string, request: http.IncomingMessage): Promise<ApiAnswer> {
	try {
		return await dispatch(context, route, request);
	} catch (error) {
		return { status: statusOf(error), body: errorBody(error) };
	}
}

async function dispatch(
	{ orchestrator, reload }: ApiContext,
	route: string,
	request: http.IncomingMessage,
): Promise<ApiAnswer> {
	if (route === 'GET /status') return { status: 200, body: orchestrator.status() };
	if (route === 'GET /health') return { status: 200, body: healthOf(orchestrator.status()) };
	const profileRoute = /^POST \/profiles\/([^/]+)\/(start|stop)$/.exec(route);
	if (profileRoute) {
		const name = decodePathPart(profileRoute[1]!);
		if (profileRoute[2] === 'start') await orchestrator.startProfile(name);
		else await orchestrator.stopProfile(name);
		const state = orchestrator.status().profiles.find((p) => p.name === name)?.state ?? 'stopped';
		return { status: 200, body: { profile: name, state } };
	}
	const jackRoute = /^POST \/profiles\/([^/]+)\/(connect|disconnect)$/.exec(route);
	if (jackRoute) {
		const { client } = await readJson(request);
		// JACK's own limit: a client name is at most 63 characters, and a ':' would end it.
		if (typeof client !== 'string' || !/^[^\p{Cc}:]{1,63}$/u.test(client))
			throw new JdcastError(
				'E_BAD_REQUEST',
				`${jackRoute[2]} needs "client": a JACK client's name (1 to 63 characters, no ':' nor control characters)`,
			);
		return {
			status: 200,
			body: await orchestrator.routeClient(decodePathPart(jackRoute[1]!), client, jackRoute[2] === 'connect'),
		};
	}
	if (route === 'POST /metadata') {
		const body = (await readJson(request)) as { target?: unknown } & Metadata;
		if (typeof body.target !== 'string' || (body.title === undefined && body.artist === undefined)) {
			throw new JdcastError(
				'E_BAD_REQUEST',
				'metadata needs "target" (a profile or mount) and "title" and/or "artist"',
			);
		}
		const metadata: Metadata = {};
		for (const key of ['title', 'artist', 'album', 'comment'] as const) {
			const value = body[key];
			if (value !== undefined && typeof value !== 'string')
				throw new JdcastError('E_BAD_REQUEST', `"${key}" must be text`);
			if (value !== undefined) metadata[key] = value;
		}
		return { status: 200, body: { results: await orchestrator.setMetadata(body.target, metadata) } };
	}
	if (route === 'POST /reload')
		return {
			status: 200,
			body: reload ? await reload() : { started: [], stopped: [], restarted: [], unchanged: orchestrator.profileNames },
		};
	if (route === 'POST /handover') {
		const body = (await readJson(request)) as { from?: unknown; to?: unknown; force?: unknown; stop?: unknown };
		if (typeof body.from !== 'string' || typeof body.to !== 'string')
			throw new JdcastError('E_BAD_REQUEST', 'handover needs "from" and "to" (profile names)');
		if (
			(body.force !== undefined && typeof body.force !== 'boolean') ||
			(body.stop !== undefined && typeof body.stop !== 'boolean')
		)
			throw new JdcastError('E_BAD_REQUEST', '"force" and "stop" must be true or false');
		return {
			status: 200,
			body: await orchestrator.handover(body.from, body.to, {
				force: body.force === true,
				stopFrom: body.stop === true,
			}),
		};
	}
	throw new JdcastError('E_NOT_FOUND', `no route ${route.slice(0, 200)}; routes: ${ROUTES}`);
}

/** `METHOD /path` of a request (the query left out); undefined when its target is not a URL. */
export function routeOf(request: http.IncomingMessage): { route: string; path: string } | undefined {
	try {
		const { pathname } = new URL(request.url ?? '/', 'http://jdcast');
		return { route: `${request.method} ${pathname}`, path: pathname };
	} catch {
		return undefined;
	}
}

/** A request's body as text (UTF-8, whatever the chunks), at most `maxBytes`, or E_BAD_REQUEST. */
export async function readBody(request: http.IncomingMessage, maxBytes = MAX_BODY): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > maxBytes) throw new JdcastError('E_BAD_REQUEST', 'request body too large');
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object body of at most 64 KiB, or E_BAD_REQUEST. */
async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
	const text = await readBody(request);
	let body: unknown;
	try {
		body = JSON.parse(text || '{}') as unknown;
	} catch {
		throw new JdcastError('E_BAD_REQUEST', 'the request body is not JSON');
	}
	if (body === null || typeof body !== 'object' || Array.isArray(body))
		throw new JdcastError('E_BAD_REQUEST', 'the request body must be a JSON object');
	return body as Record<string, unknown>;
}

function decodePathPart(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		throw new JdcastError('E_BAD_REQUEST', 'the profile name in the path is not valid URL encoding');
	}
}

/** The HTTP status of an error the API (or the HTTP side around it) answers with. */
export function statusOf(error: unknown): number {
	return error instanceof JdcastError ? httpStatusOf(error.code) : 500;
}

/** `{ error: { code, message, details? } }` for any error. */
export function errorBody(error: unknown): ControlErrorBody {
	if (error instanceof ProfileError) {
		return {
			error: {
				code: error.code,
				message: `the reload was refused: ${error.subject === 'schedule' ? 'the schedule is invalid' : 'a profile is invalid'}; everything keeps running as it was`,
				details: error.lines,
			},
		};
	}
	if (error instanceof JdcastError) return { error: { code: error.code, message: error.message } };
	return { error: { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}

/** The answer to a request whose target is not a path (400), on either transport. */
export function sendBadTarget(response: http.ServerResponse): void {
	sendError(response, new JdcastError('E_BAD_REQUEST', 'the request target is not a path'));
}

/** An error as its status and `{ error: { code, message } }`; `headers` adds to the defaults. */
export function sendError(response: http.ServerResponse, error: unknown, headers: http.OutgoingHttpHeaders = {}): void {
	sendJson(response, statusOf(error), errorBody(error), headers);
}

/** A JSON answer with its length; `headers` adds to the defaults. */
export function sendJson(
	response: http.ServerResponse,
	status: number,
	body: unknown,
	headers: http.OutgoingHttpHeaders = {},
): void {
	const text = `${JSON.stringify(body)}\n`;
	response.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	response.end(text);
}
