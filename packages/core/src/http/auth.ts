import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';
import { stat } from 'node:fs/promises';
import { JdcastError } from '../errors/index.js';
import { Secret } from '../profile/secret.js';
import { READABLE_BY_OTHERS, readSecretFile } from '../profile/secrets.js';
import { isLoopbackHost } from '../util/loopback.js';
import { clientAddress, proxied } from './client.js';
import { WrongTries } from '../util/wrong-tries.js';

const SESSION_COOKIE = 'jdcast_session';
const SESSION_MAX_AGE_S = 30 * 24 * 3600;
const MIN_TOKEN_LENGTH = 16;

/**
 * Why the HTTP side may not be served as asked, in one sentence (code E_HTTP_TOKEN), or nothing:
 * beyond loopback or behind a proxy it needs a token, and a token must be one a person could not
 * guess or mistype. `jdcast up --http` and `jdcast service install --http` ask the same.
 */
export function checkHttpAccess(host: string, token: Secret | undefined, trustProxy = false): void {
	if (!token) {
		if (trustProxy)
			throw new JdcastError(
				'E_HTTP_TOKEN',
				'behind a proxy (--http-trust-proxy) the HTTP side needs a token: through the proxy every request looks local; give --http-token-file FILE or JDCAST_HTTP_TOKEN',
			);
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
 * it survives a restart of jdcast, and a new token ends it). The token is compared first, always:
 * a right one is let in whoever else was wrong; only wrong ones are slowed (WrongTries).
 */
export class HttpAuth {
	readonly #token: Buffer | undefined;
	readonly #session: string | undefined;
	readonly #trustProxy: boolean;
	readonly #wrong = new WrongTries();

	/** `trustProxy`: the client is the address a proxy in front says it saw (X-Forwarded-For, Forwarded). */
	constructor(token: Secret | undefined, options: { trustProxy?: boolean } = {}) {
		this.#token = token ? digest(token.reveal()) : undefined;
		this.#session = token
			? createHmac('sha256', token.reveal()).update('jdcast dashboard session v1').digest('base64url')
			: undefined;
		this.#trustProxy = options.trustProxy === true;
	}

	get required(): boolean {
		return this.#token !== undefined;
	}

	/** Who sent the request, as the per-client limits count it (see clientAddress). */
	clientOf(request: http.IncomingMessage): string {
		return clientAddress(request, this.#trustProxy);
	}

	/**
	 * 'ok', 'denied', 'slow-down' (a wrong token, and this client or everyone gave too many of late),
	 * or 'proxied' (no token, yet forwarded).
	 */
	check(request: http.IncomingMessage): 'ok' | 'denied' | 'slow-down' | 'proxied' {
		if (!this.#token) {
			if (proxied(request)) return 'proxied';
			return hostIsLocal(request.headers.host) ? 'ok' : 'denied';
		}
		const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
		if (bearer !== undefined) return this.tryToken(request, bearer);
		// A session cookie is a 256-bit HMAC, not a thing to guess: a wrong one is a stale session.
		const cookie = cookies(request.headers.cookie)[SESSION_COOKIE];
		return cookie !== undefined && this.#session !== undefined && sameText(cookie, this.#session) ? 'ok' : 'denied';
	}

	/** A token given by a client (Bearer or the login page): compared first, then a wrong one noted. */
	tryToken(request: http.IncomingMessage, given: string): 'ok' | 'denied' | 'slow-down' {
		if (this.#token !== undefined && timingSafeEqual(digest(given), this.#token)) return 'ok';
		return this.#wrong.note(this.clientOf(request));
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
