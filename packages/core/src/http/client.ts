import type http from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Headers a proxy adds to say that it forwarded a request, and for whom. Any one of them on a
 * token-less server means that the request may come from anywhere, though it arrives on loopback.
 */
const PROXY_HEADERS = new Set([
	'forwarded',
	'via',
	'x-real-ip',
	'x-client-ip',
	'true-client-ip',
	'cf-connecting-ip',
	'x-cluster-client-ip',
	'fastly-client-ip',
]);

/** Whether a request carries any header by which a proxy says it forwarded it. */
export function proxied(request: http.IncomingMessage): boolean {
	return Object.keys(request.headers).some(
		(name) => PROXY_HEADERS.has(name) || name.startsWith('x-forwarded-') || name.startsWith('x-original-forwarded'),
	);
}

/**
 * Who sent a request, as the limits count clients (wrong tokens, event streams): the peer's
 * address, or behind a trusted proxy the address that proxy saw. Only the last hop is believed:
 * the proxy appends what it saw, and whatever comes before it the client wrote itself.
 */
export function clientAddress(request: http.IncomingMessage, trustProxy: boolean): string {
	const peer = request.socket.remoteAddress ?? 'unknown';
	if (!trustProxy) return addressKey(peer);
	const header = request.headers['x-forwarded-for'];
	const forwardedFor = Array.isArray(header) ? header.join(',') : header;
	const hop = forwardedFor ? forwardedFor.split(',').at(-1)?.trim() : lastForwardedFor(request.headers.forwarded);
	return addressKey(hop || peer);
}

/** The `for=` of the last element of a Forwarded header (RFC 7239), quotes removed. */
function lastForwardedFor(header: string | undefined): string | undefined {
	const last = header?.split(',').at(-1);
	return last ? /(?:^|;)\s*for\s*=\s*"?([^";]*)"?/i.exec(last)?.[1]?.trim() : undefined;
}

/**
 * One key per client: an address without its port or brackets, IPv4 mapped into IPv6 as IPv4,
 * and an IPv6 address as its /64, since one host commonly holds a whole /64 to choose from.
 */
export function addressKey(address: string): string {
	let bare = address.trim().toLowerCase().slice(0, 100);
	const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(bare);
	if (bracketed) bare = bracketed[1]!;
	else if (/^[^:]+:\d+$/.test(bare)) bare = bare.slice(0, bare.indexOf(':'));
	bare = bare.replace(/%.*$/, '');
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
	if (mapped) return mapped[1]!;
	if (isIPv4(bare) || !isIPv6(bare)) return bare;
	return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` spelled out, leading zeros dropped. */
function ipv6Groups(address: string): string[] {
	const [head = '', tail] = address.split('::');
	// An IPv4 tail (::ffff:192.0.2.1, 64:ff9b::192.0.2.1) stands for two groups.
	const groups = (part: string) => (part ? part.split(':') : []).flatMap((g) => (isIPv4(g) ? ['0', '0'] : [g]));
	const front = groups(head);
	const back = tail === undefined ? [] : groups(tail);
	const middle = Array.from({ length: Math.max(0, 8 - front.length - back.length) }, () => '0');
	return [...front, ...middle, ...back].map((g) => Number.parseInt(g, 16).toString(16));
}
