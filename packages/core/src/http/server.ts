import http from 'node:http';
import os from 'node:os';
import { JdcastError } from '../errors/index.js';
import type { Orchestrator, ReloadResult } from '../orchestrator/orchestrator.js';
import type { Secret } from '../profile/secret.js';
import { healthOf } from '../status/health.js';
import { answerApi, sendJson, type ApiContext } from '../control/routes.js';
import { HttpAuth, isLoopback, sameOrigin } from './auth.js';
import { streamEvents } from './events.js';
import { ListenerHistory } from './listener-history.js';
import { createMetrics } from './metrics.js';
import { dashboardCss, dashboardHtml, dashboardJs, loginHtml } from './generated/dashboard.js';

export interface HttpOptions {
	/** Address to bind; default 127.0.0.1. Anything but loopback needs a token. */
	host?: string;
	/** 0: any free port. */
	port: number;
	/** Every request must carry it (Bearer or the login page's cookie). */
	token?: Secret;
	/** What POST /api/reload does; without it, reload answers that nothing changed. */
	reload?: () => Promise<ReloadResult>;
}

export interface HttpServer {
	/** Where a browser on this machine (or, bound to all addresses, on the network) finds the dashboard. */
	url: string;
	close(): Promise<void>;
}

const MIN_TOKEN_LENGTH = 16;
const MAX_EVENT_STREAMS = 64;
const SECURITY_HEADERS = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	// The players fetch the mounts from the Icecast servers, wherever they are; nothing else leaves.
	'Content-Security-Policy': "default-src 'self'; media-src http: https:; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * The HTTP side of a running jdcast: the dashboard (`/`), the control API under `/api` (the same
 * routes and answers as the control socket), `/api/events` (SSE), `/metrics` (Prometheus) and
 * `/healthz`. Throws E_HTTP_TOKEN when asked to bind beyond loopback without a token, and
 * E_HTTP_LISTEN when the address cannot be bound.
 */
export async function serveHttp(orchestrator: Orchestrator, options: HttpOptions): Promise<HttpServer> {
	const host = options.host ?? '127.0.0.1';
	if (!isLoopback(host) && !options.token) {
		throw new JdcastError('E_HTTP_TOKEN', `the HTTP side on ${host} would be open to the network: give a token (--http-token-file FILE or JDCAST_HTTP_TOKEN), or bind 127.0.0.1`);
	}
	if (options.token && options.token.reveal().length < MIN_TOKEN_LENGTH) {
		throw new JdcastError('E_HTTP_TOKEN', `the HTTP token is ${options.token.reveal().length} characters long; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 16)`);
	}
	const auth = new HttpAuth(options.token);
	const api: ApiContext = { orchestrator, reload: options.reload ?? (async () => ({ started: [], stopped: [], restarted: [], unchanged: orchestrator.profileNames })) };
	const metrics = createMetrics(orchestrator);
	const history = new ListenerHistory(orchestrator);
	const streams = new Set<() => void>();
	let failedLogin = 0;

	const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
		const url = new URL(request.url ?? '/', 'http://jdcast');
		const method = request.method ?? 'GET';
		const route = `${method} ${url.pathname}`;
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
		if (method === 'POST' && !sameOrigin(request)) return sendJson(response, 403, { error: { code: 'E_ORIGIN', message: 'this request comes from another site; only the dashboard itself may change things' } });
		// The style sheet is the login page's too, and holds nothing to hide.
		if (route === 'GET /app.css') return sendText(response, 200, 'text/css; charset=utf-8', dashboardCss);
		if (url.pathname === '/login' && auth.required) {
			if (method === 'GET') return sendText(response, 200, 'text/html; charset=utf-8', loginHtml);
			if (method === 'POST') {
				// One wrong token a second at most: guessing takes forever.
				if (Date.now() - failedLogin < 1000) return sendText(response, 429, 'text/plain; charset=utf-8', 'too many tries; wait a second\n');
				const token = new URLSearchParams(await readText(request)).get('token') ?? '';
				if (!auth.matches(token)) {
					failedLogin = Date.now();
					return sendText(response, 401, 'text/html; charset=utf-8', loginHtml.replace('<p class="problem" hidden>', '<p class="problem">'));
				}
				response.writeHead(303, { Location: '/', 'Set-Cookie': auth.sessionCookie(), 'Content-Length': 0 });
				return void response.end();
			}
		}
		if (!auth.allows(request)) {
			if (auth.required && method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
				response.writeHead(303, { Location: '/login', 'Content-Length': 0 });
				return void response.end();
			}
			const message = auth.required ? 'this needs the token: Authorization: Bearer TOKEN, or log in at /login' : 'the Host header does not name this machine';
			return sendJson(response, auth.required ? 401 : 403, { error: { code: auth.required ? 'E_UNAUTHORIZED' : 'E_HOST', message } }, auth.required ? { 'WWW-Authenticate': 'Bearer' } : {});
		}
		switch (route) {
			case 'GET /':
			case 'GET /index.html':
				return sendText(response, 200, 'text/html; charset=utf-8', dashboardHtml);
			case 'GET /app.js':
				return sendText(response, 200, 'text/javascript; charset=utf-8', dashboardJs);
			case 'GET /healthz': {
				const health = healthOf(orchestrator.status());
				return sendJson(response, health.ok ? 200 : 503, health);
			}
			case 'GET /metrics':
				return sendText(response, 200, metrics.contentType, await metrics.metrics());
			case 'GET /api/listeners':
				return sendJson(response, 200, { intervalSeconds: history.intervalSeconds, mounts: history.series });
			case 'GET /api/events': {
				if (streams.size >= MAX_EVENT_STREAMS) return sendJson(response, 503, { error: { code: 'E_BUSY', message: `already ${MAX_EVENT_STREAMS} event streams open` } });
				const close = streamEvents(orchestrator, request, response);
				streams.add(close);
				request.on('close', () => streams.delete(close));
				return;
			}
		}
		if (url.pathname.startsWith('/api/')) {
			const { status, body } = await answerApi(api, `${method} ${url.pathname.slice('/api'.length)}`, request);
			return sendJson(response, status, body);
		}
		return sendJson(response, 404, { error: { code: 'E_NOT_FOUND', message: `no page ${url.pathname.slice(0, 200)}; try / (dashboard), /api/status, /api/events, /metrics, /healthz` } });
	};

	const server = http.createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			const status = error instanceof JdcastError && error.code === 'E_BAD_REQUEST' ? 400 : 500;
			if (!response.headersSent) sendJson(response, status, { error: { code: error instanceof JdcastError ? error.code : 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } });
			else response.destroy();
		});
	});
	server.headersTimeout = 10_000;
	server.requestTimeout = 30_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			history.close();
			reject(new JdcastError('E_HTTP_LISTEN', `cannot serve HTTP on ${host}:${options.port}: ${error.code === 'EADDRINUSE' ? 'the port is taken' : error.code === 'EACCES' ? 'not allowed (ports below 1024 need privileges)' : error.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : (error.code ?? error.message)}`));
		});
		server.listen(options.port, host, () => resolve());
	});
	const address = server.address() as import('node:net').AddressInfo;
	const shownHost = host === '0.0.0.0' || host === '::' ? os.hostname() : address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return {
		url: `http://${shownHost}:${address.port}/`,
		close: async () => {
			history.close();
			for (const close of [...streams]) close();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
		},
	};
}

function sendText(response: http.ServerResponse, status: number, type: string, text: string): void {
	response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache' });
	response.end(text);
}

async function readText(request: http.IncomingMessage): Promise<string> {
	let text = '';
	for await (const chunk of request) {
		text += String(chunk);
		if (text.length > 4096) throw new JdcastError('E_BAD_REQUEST', 'request body too large');
	}
	return text;
}
