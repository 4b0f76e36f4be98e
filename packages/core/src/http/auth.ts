import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';
import type { Secret } from '../profile/secret.js';

export const SESSION_COOKIE = 'jdcast_session';
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Names that always mean this machine. */
export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
	return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * Who may use the HTTP side. Without a token (loopback only) anyone on this machine may, but the
 * Host header must name this machine, so that a web page cannot reach it through DNS rebinding.
 * With a token every request carries it (`Authorization: Bearer`) or the session cookie the login
 * page sets (an HMAC of the token: it survives a restart of jdcast, and a new token ends it).
 */
export class HttpAuth {
	readonly #token: Buffer | undefined;
	readonly #session: string | undefined;

	constructor(token: Secret | undefined) {
		this.#token = token ? digest(token.reveal()) : undefined;
		this.#session = token ? createHmac('sha256', token.reveal()).update('jdcast dashboard session v1').digest('base64url') : undefined;
	}

	get required(): boolean {
		return this.#token !== undefined;
	}

	/** Whether this request may be answered (the login page aside). */
	allows(request: http.IncomingMessage): boolean {
		if (!this.#token) return hostIsLocal(request.headers.host);
		const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
		if (bearer !== undefined) return this.matches(bearer);
		const cookie = cookies(request.headers.cookie)[SESSION_COOKIE];
		return cookie !== undefined && this.#session !== undefined && sameText(cookie, this.#session);
	}

	/** The token typed into the login page. */
	matches(given: string): boolean {
		return this.#token !== undefined && timingSafeEqual(digest(given), this.#token);
	}

	sessionCookie(): string {
		return `${SESSION_COOKIE}=${this.#session ?? ''}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_S}`;
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

function hostIsLocal(host: string | undefined): boolean {
	if (!host) return false;
	const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
	return isLoopback(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0;
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
