import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import { JdcastError } from '../errors/index.js';
import type { Engine } from '../orchestrator/engine.js';
import type { Secret } from '../profile/secret.js';
import { healthOf } from '../status/health.js';
import type { ReloadResult } from '../status/types.js';
import type { HttpApi } from '../control/api.js';
import {
	answerApi,
	readBody,
	routeOf,
	sendBadTarget,
	sendError,
	sendJson,
	type ApiContext,
} from '../control/routes.js';
import { checkHttpAccess, HttpAuth, sameOrigin } from './auth.js';
import { ConnectionGuard } from './connections.js';
import { EventStreams } from './events.js';
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
	/**
	 * Served behind a reverse proxy: each client is the address the proxy says it saw (the last hop
	 * of X-Forwarded-For, or of Forwarded), for the limits per client. Needs a token. Default false.
	 */
	trustProxy?: boolean;
}

export interface HttpServer {
	/** Where a browser on this machine (or, bound to all addresses, on the network) finds the dashboard. */
	url: string;
	close(): Promise<void>;
}

/**
 * Connections at once: a flood of idle ones must never take the descriptors jdcast needs for its
 * streams and encoders; and from one address, so that one client cannot take them all.
 */
const MAX_CONNECTIONS = 256;
const MAX_CONNECTIONS_PER_ADDRESS = 32;
/**
 * Headers a request may carry. Node drops those past its count without a word, and a proxy's
 * header dropped so would make a forwarded request look local: a request with this many or more
 * is refused instead.
 */
const MAX_HEADERS = 100;
const SECURITY_HEADERS = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
	// The players fetch the mounts from the Icecast servers, wherever they are; nothing else leaves.
	'Content-Security-Policy':
		"default-src 'self'; media-src http: https:; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
};
const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/**
 * The HTTP side of a running jdcast: the dashboard (`/`), the control API under `/api` (the same
 * routes and answers as the control socket), `/api/events` (SSE), `/metrics` (Prometheus) and
 * `/healthz`. Throws E_HTTP_TOKEN when asked to bind beyond loopback without a good token, and
 * E_HTTP_LISTEN when the address cannot be bound.
 */
export async function serveHttp(orchestrator: Engine, options: HttpOptions): Promise<HttpServer> {
	const host = options.host ?? '127.0.0.1';
	const trustProxy = options.trustProxy === true;
	checkHttpAccess(host, options.token, trustProxy);
	const auth = new HttpAuth(options.token, { trustProxy });
	const api: ApiContext = { orchestrator, ...(options.reload ? { reload: options.reload } : {}) };
	const metrics = createMetrics(orchestrator);
	const history = new ListenerHistory(orchestrator);
	const streams = new EventStreams(orchestrator);
	// Behind a proxy every connection comes from it: the proxy bounds its clients, and the limits
	// per client look at the address it forwards instead.
	const connections = new ConnectionGuard({
		total: MAX_CONNECTIONS,
		perAddress: trustProxy ? undefined : MAX_CONNECTIONS_PER_ADDRESS,
	});

	const login = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
		const token = new URLSearchParams(await readBody(request, 4096)).get('token') ?? '';
		const verdict = auth.tryToken(request, token);
		if (verdict === 'slow-down') {
			response.setHeader('Retry-After', '1');
			return sendText(response, 429, TEXT, 'wrong token, and wrong ones came from here a moment ago: wait a second\n');
		}
		if (verdict !== 'ok')
			return sendText(response, 401, HTML, loginHtml.replace('<p class="problem" hidden>', '<p class="problem">'));
		response.writeHead(303, { Location: '/', 'Set-Cookie': auth.sessionCookie(request), 'Content-Length': 0 });
		response.end();
	};

	const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
		if (request.rawHeaders.length / 2 >= MAX_HEADERS)
			return sendError(
				response,
				new JdcastError('E_TOO_MANY_HEADERS', `this request carries ${MAX_HEADERS} headers or more; send fewer`),
			);
		const target = routeOf(request);
		if (!target) return sendBadTarget(response);
		// HEAD is GET without the body (Node leaves the body out), for monitors that ask with it.
		const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
		const { path } = target;
		const route = `${method} ${path}`;
		if (method === 'POST' && !sameOrigin(request))
			return sendError(
				response,
				new JdcastError(
					'E_ORIGIN',
					'this request comes from another site; only the dashboard itself may change things',
				),
			);
		// The style sheet is the login page's too, and holds nothing to hide.
		if (route === 'GET /app.css') return sendText(response, 200, 'text/css; charset=utf-8', dashboardCss);
		if (path === '/login' && auth.required) {
			if (method === 'GET') return sendText(response, 200, HTML, loginHtml);
			if (method === 'POST') return login(request, response);
		}
		const verdict = auth.check(request);
		if (verdict !== 'ok') return refuse(request, response, verdict, auth.required, route);
		switch (route) {
			case 'GET /':
			case 'GET /index.html':
				return sendText(response, 200, HTML, dashboardHtml);
			case 'GET /app.js':
				return sendText(response, 200, 'text/javascript; charset=utf-8', dashboardJs);
			case 'GET /healthz': {
				const health = healthOf(orchestrator.status());
				return sendJson(response, health.ok ? 200 : 503, health);
			}
			case 'GET /metrics':
				return sendText(response, 200, metrics.contentType, await metrics.scrape());
			case 'GET /api/listeners': {
				const body: HttpApi['GET /listeners']['response'] = {
					intervalSeconds: history.intervalSeconds,
					mounts: history.series,
				};
				return sendJson(response, 200, body);
			}
			case 'GET /api/events': {
				if (request.method === 'HEAD') return sendText(response, 200, 'text/event-stream; charset=utf-8', '');
				return streams.open(request, response, auth.clientOf(request));
			}
		}
		if (path.startsWith('/api/')) {
			const { status, body } = await answerApi(api, `${method} ${path.slice('/api'.length)}`, request);
			return sendJson(response, status, body);
		}
		return sendError(
			response,
			new JdcastError(
				'E_NOT_FOUND',
				`no page ${path.slice(0, 200)}; try / (dashboard), /api/status, /api/events, /metrics, /healthz`,
			),
		);
	};

	const server = http.createServer(
		{
			// A request's headers within 10 s, the whole request within 30 s, checked every second.
			headersTimeout: 10_000,
			requestTimeout: 30_000,
			keepAliveTimeout: 5000,
			connectionsCheckingInterval: 1000,
		},
		(request, response) => {
			connections.answering(request.socket, response);
			handle(request, response).catch((error: unknown) => {
				if (!response.headersSent) sendError(response, error);
				else response.destroy();
			});
		},
	);
	server.maxHeadersCount = MAX_HEADERS;
	// Not server.maxConnections: it closes the newest connection, the monitor's, not a stale one.
	server.on('connection', (socket: net.Socket) => connections.admit(socket));
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			history.close();
			reject(
				new JdcastError(
					'E_HTTP_LISTEN',
					`cannot serve HTTP on ${host}:${options.port}: ${error.code === 'EADDRINUSE' ? 'the port is taken' : error.code === 'EACCES' ? 'not allowed (ports below 1024 need privileges)' : error.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : (error.code ?? error.message)}`,
				),
			);
		});
		server.listen(options.port, host, () => resolve());
	});
	const address = server.address() as net.AddressInfo;
	const shownHost =
		host === '0.0.0.0' || host === '::'
			? os.hostname()
			: address.family === 'IPv6'
				? `[${address.address}]`
				: address.address;
	return {
		url: `http://${shownHost}:${address.port}/`,
		close: async () => {
			history.close();
			streams.closeAll();
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await closed;
		},
	};
}

/** A request the rules turn away: the login page for a browser, one sentence for a program. */
function refuse(
	request: http.IncomingMessage,
	response: http.ServerResponse,
	verdict: 'denied' | 'slow-down' | 'proxied',
	tokenRequired: boolean,
	route: string,
): void {
	if (verdict === 'slow-down')
		return sendError(
			response,
			new JdcastError(
				'E_SLOW_DOWN',
				'wrong token; wrong tokens were given from here (or from many places) a moment ago: wait a second before the next try',
			),
			{ 'Retry-After': '1' },
		);
	if (verdict === 'proxied')
		return sendError(
			response,
			new JdcastError(
				'E_PROXY',
				'this request came through a proxy, from anywhere: behind a proxy the HTTP side needs a token (--http-token-file)',
			),
		);
	if (!tokenRequired)
		return sendError(response, new JdcastError('E_HOST', 'the Host header does not name this machine'));
	if (route === 'GET /' || route === 'GET /index.html') {
		response.writeHead(303, { Location: '/login', 'Content-Length': 0 });
		return void response.end();
	}
	sendError(
		response,
		new JdcastError('E_UNAUTHORIZED', 'this needs the token: Authorization: Bearer TOKEN, or log in at /login'),
		{ 'WWW-Authenticate': 'Bearer' },
	);
}

function sendText(response: http.ServerResponse, status: number, type: string, text: string): void {
	response.writeHead(status, {
		'Content-Type': type,
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-cache',
	});
	response.end(text);
}
