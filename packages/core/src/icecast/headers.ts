import type { Secret } from '../profile/secret.js';
import type { StreamInfo } from '../profile/types.js';

/** The request headers of an Icecast source connection (HTTP PUT, Icecast >= 2.4). */
export function sourceHeaders(o: {
	user: string;
	password: Secret;
	contentType: string;
	info: StreamInfo;
	audioInfo?: Record<string, number | null>;
}): Record<string, string> {
	const headers: Record<string, string> = {
		Authorization: `Basic ${Buffer.from(`${o.user}:${o.password.reveal()}`).toString('base64')}`,
		'Content-Type': o.contentType,
		'User-Agent': 'jdcast/0.1',
	};
	const { name, description, genre, url, public: isPublic } = o.info;
	if (name !== undefined) headers['Ice-Name'] = latin1Safe(name);
	if (description !== undefined) headers['Ice-Description'] = latin1Safe(description);
	if (genre !== undefined) headers['Ice-Genre'] = latin1Safe(genre);
	if (url !== undefined) headers['Ice-Url'] = latin1Safe(url);
	if (isPublic !== undefined) headers['Ice-Public'] = isPublic ? '1' : '0';
	if (o.audioInfo) {
		headers['Ice-Audio-Info'] = Object.entries(o.audioInfo)
			.filter(([, v]) => v !== null)
			.map(([k, v]) => `${k}=${String(v)}`)
			.join(';');
	}
	return headers;
}

/** HTTP header values must be Latin-1: anything else is replaced rather than crash the request. */
function latin1Safe(value: string): string {
	return value.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}
