/** The most a source client's request head may take: Icecast's own limit is about as large. */
export const MAX_HEAD_BYTES = 8192;

/** A request head as a source client sends it: `PUT /dj HTTP/1.1`, `SOURCE /dj ICE/1.0`, `GET /admin/metadata?…`. */
export interface RequestHead {
	method: string;
	/** The path without the query. */
	path: string;
	query: URLSearchParams;
	/** The query as sent, for values in another charset than UTF-8. */
	rawQuery: string;
	version: string;
	/** Header names in lower case; a repeated header's values joined with ", ". */
	headers: Map<string, string>;
}

/** Where the head ends in `bytes` (the index of the body's first byte), or -1 while it has not ended. */
export function headEnd(bytes: Buffer): number {
	const crlf = bytes.indexOf('\r\n\r\n');
	const lf = bytes.indexOf('\n\n');
	if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
	return lf >= 0 ? lf + 2 : -1;
}

/** Parses a request head; a string says what is wrong with it. */
export function parseHead(text: string): RequestHead | string {
	const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
	const match = /^([A-Z]{1,16}) (\S{1,2048}) ((?:HTTP|ICE)\/1\.[01])$/.exec(lines[0] ?? '');
	if (!match) return 'not an HTTP or ICE request line';
	const [, method, target, version] = match as unknown as [string, string, string, string];
	let url: URL;
	try {
		url = new URL(target, 'http://harbor');
	} catch {
		return 'not a valid path';
	}
	const headers = new Map<string, string>();
	for (const line of lines.slice(1)) {
		const colon = line.indexOf(':');
		if (colon <= 0) return 'a header line without a name';
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		const before = headers.get(name);
		headers.set(name, before === undefined ? value : `${before}, ${value}`);
	}
	let path: string;
	try {
		path = decodeURIComponent(url.pathname);
	} catch {
		return 'not a valid path';
	}
	return { method, path, query: url.searchParams, rawQuery: url.search.slice(1), version, headers };
}

/** The user and password of a Basic `Authorization` header; undefined when there is none or it is not Basic. */
export function basicCredentials(head: RequestHead): { user: string; password: string } | undefined {
	const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(head.headers.get('authorization') ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const REASONS: Record<number, string> = {
	200: 'OK',
	400: 'Bad Request',
	401: 'Authentication Required',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	429: 'Too Many Requests',
	431: 'Request Header Fields Too Large',
	503: 'Service Unavailable',
};

/**
 * An answer as Icecast gives it: a status line, a few headers and, for an error, the sentence as a
 * plain-text body (BUTT and Mixxx show the status line; ffmpeg logs the status).
 */
export function response(status: number, body = '', extra: Record<string, string> = {}): string {
	const reason = REASONS[status] ?? 'Error';
	const headers = {
		Server: 'jdcast harbor',
		...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="jdcast harbor"' } : {}),
		...(body ? { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
		...extra,
	};
	const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
	return `HTTP/1.0 ${status} ${reason}\r\n${lines.join('')}\r\n${body}`;
}

/** Icecast's answer to a metadata update, which BUTT and Mixxx look at. */
export function metadataResponse(ok: boolean, message: string): string {
	const xml = `<?xml version="1.0"?>\n<iceresponse><message>${escapeXml(message)}</message><return>${ok ? 1 : 0}</return></iceresponse>\n`;
	return (
		response(ok ? 200 : 403, '', { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(xml)) }) + xml
	);
}

function escapeXml(text: string): string {
	return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Shoutcast-style titles carry only a password, in the query (`/admin.cgi?pass=…`): it is checked as
 * the DJ on air's (else the shared user's).
 */
export function shoutcastPass(
	head: RequestHead,
	onAir: string | undefined,
): { user: string; password: string } | undefined {
	const pass = head.query.get('pass');
	return pass === null ? undefined : { user: onAir ?? 'source', password: pass };
}

/**
 * The title of a metadata update: `song=` (BUTT, Mixxx's MP3, Liquidsoap), else `artist=` and `title=`
 * (libshout) as "Artist - Title"; undefined when it has none. `charset=ISO-8859-1` is honoured.
 */
export function songOf({ query, rawQuery }: RequestHead): string | undefined {
	const latin1 = /^(iso-?8859-?1|latin-?1)$/i.test(query.get('charset') ?? '');
	const get = (name: string): string | null => {
		if (!latin1) return query.get(name);
		// Each %XX one character of ISO-8859-1, as the DJ's software meant it.
		const pair = rawQuery.split('&').find((p) => p.split('=')[0] === name);
		if (pair === undefined) return null;
		const value = pair.slice(name.length + 1).replaceAll('+', ' ');
		return value.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
	};
	const song = get('song');
	if (song !== null) return song;
	const artist = get('artist');
	const title = get('title');
	if (artist === null && title === null) return undefined;
	return artist && title ? `${artist} - ${title}` : (title ?? artist ?? '');
}
