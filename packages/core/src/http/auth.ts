import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';
import { stat } from 'node:fs/promises';
import { JdcastError } from '../errors/index.js';
import { Secret } from '../profile/secret.js';
import { READABLE_BY_OTHERS, readSecretFile } from '../profile/secrets.js';
import { isLoopbackHost } from '../util/loopback.js';

const SESSION_COOKIE = 'jdcast_session';
const SESSION_MAX_AGE_S = 30 * 24 * 3600;
const MIN_TOKEN_LENGTH = 16;
/** After a wrong token, that client's next try waits this long. */
const WRONG_TOKEN_PAUSE_MS = 1000;

/**
 * Why the HTTP side may not be served as asked, in one sentence (code E_HTTP_TOKEN), or nothing:
 * beyond loopback it needs a token, and a token must be one a person could not guess or mistype.
 * `jdcast up --http` and `jdcast service install --http` ask the same.
 */
export function checkHttpAccess(host: string, token: Secret | undefined): void {
	if (!token) {
		if (!isLoopbackHost(host))
			throw new JdcastError(
				'E_HTTP_TOKEN',
				`the HTTP side on ${host} would be open to the network: give a token (--http-token-file FILE or JDCAST_HTTP_TOKEN), or bind 127.0.0.1`,
			);
		return;
	}
	const value = token.reveal();
	if (/^\s|\s$|[\u0000-\u001f\u007f]/.test(value))
		throw new JdcastError(
			'E_HTTP_TOKEN',
			'the HTTP token begins or ends with a space, or holds a control character: such a token cannot be sent in a header',
		);
	if (value.length < MIN_TOKEN_LENGTH)
		throw new JdcastError(
			'E_HTTP_TOKEN',
			`the HTTP token is ${value.length} characters long; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 16)`,
		);
}

/**
 * The token from `--http-token-file`: one line of a small regular file (E_HTTP_TOKEN otherwise),
 * and a warning when others may read the file.
 */
export async function readHttpTokenFile(file: string): Promise<{ token: Secret; warning?: string }> {
	const read = await readSecretFile(file);
	if ('problem' in read)
		throw new JdcastError('E_HTTP_TOKEN', `--http-token-file: ${read.problem.replace('FILE', file)}`);
	const mode = (await stat(file)).mode & READABLE_BY_OTHERS;
	return {
		token: new Secret(read.value),
		...(mode
			? { warning: `${file}: the HTTP token is in a file that group or others can read; chmod 600 ${file}` }
			: {}),
	};
}

/**
 * Who may use the HTTP side. Without a token (loopback only) anyone on this machine may, but the
 * Host header must name this machine, so that a web page cannot reach it through DNS rebinding,
 * and a request a proxy forwarded (from anywhere) is refused. With a token every request carries
 * it (`Authorization: Bearer`) or the session cookie the login page sets (an HMAC of the token:
 * it survives a restart of jdcast, and a new token ends it). A client that gives a wrong token
 * waits a second before its next try; other clients do not.
 */
export class HttpAuth {
	readonly #token: Buffer | undefined;
	readonly #session: string | undefined;
	readonly #wrong = new Map<string, number>();

	constructor(token: Secret | undefined) {
		this.#token = token ? digest(token.reveal()) : undefined;
		this.#session = token
			? createHmac('sha256', token.reveal()).update('jdcast dashboard session v1').digest('base64url')
			: undefined;
	}

	get required(): boolean {
		return this.#token !== undefined;
	}

	/**
	 * 'ok', 'denied', 'slow-down' (this client gave a wrong token a moment ago), or 'proxied' (no token,
	 * yet forwarded).
	 */
	check(request: http.IncomingMessage): 'ok' | 'denied' | 'slow-down' | 'proxied' {
		if (!this.#token) {
			if (forwarded(request)) return 'proxied';
			return hostIsLocal(request.headers.host) ? 'ok' : 'denied';
		}
		const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
		if (bearer !== undefined) return this.tryToken(request, bearer) ?? 'denied';
		const cookie = cookies(request.headers.cookie)[SESSION_COOKIE];
		return cookie !== undefined && this.#session !== undefined && sameText(cookie, this.#session) ? 'ok' : 'denied';
	}

	/** A token given by a client: 'ok', undefined when wrong (and noted), 'slow-down' when it must wait. */
	tryToken(request: http.IncomingMessage, given: string): 'ok' | 'slow-down' | undefined {
		const client = request.socket.remoteAddress ?? '?';
		const now = Date.now();
		if (now - (this.#wrong.get(client) ?? 0) < WRONG_TOKEN_PAUSE_MS) return 'slow-down';
		if (this.#token !== undefined && timingSafeEqual(digest(given), this.#token)) return 'ok';
		if (this.#wrong.size > 10_000) this.#wrong.clear();
		this.#wrong.set(client, now);
		return undefined;
	}

	sessionCookie(request: http.IncomingMessage): string {
		const secure = request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
		return `${SESSION_COOKIE}=${this.#session ?? ''}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_S}${secure}`;
	}
}

/**
 * A state-changing request from a browser must come from the dashboard itself: its Origin (which
 * browsers always send on POST) names the host it was sent to. Programs send none.
 */
export function sameOrigin(request: http.IncomingMessage): boolean {
	const origin = request.headers.origin;
	if (origin === undefined) return true;
	try {
		return new URL(origin).host === request.headers.host;
	} catch {
		return false;
	}
}

/** A Host header that names this machine: a loopback name or an IP address (a rebound DNS name is neither). */
export function hostIsLocal(host: string | undefined): boolean {
	if (!host) return false;
	let name: string;
	try {
		name = new URL(`http://${host}`).hostname;
	} catch {
		return false;
	}
	return isLoopbackHost(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

function forwarded(request: http.IncomingMessage): boolean {
	const h = request.headers;
	return (
		h.forwarded !== undefined ||
		h['x-forwarded-for'] !== undefined ||
		h['x-forwarded-host'] !== undefined ||
		h['x-real-ip'] !== undefined
	);
}

function cookies(header: string | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const at = part.indexOf('=');
		if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
	}
	return out;
}

function digest(text: string): Buffer {
	return createHmac('sha256', 'jdcast token compare').update(text).digest();
}

function sameText(a: string, b: string): boolean {
	return timingSafeEqual(digest(a), digest(b));
}
