import { isLoopbackHost } from '@jdcast/core/internal';

/** Words for the ear: what Piper reads aloud must sound right, not look right. */

/** "/jackdaw.opus" → "jackdaw dot opus". */
export function sayMount(mount: string): string {
	return mount
		.replace(/^\//, '')
		.replace(/\./g, ' dot ')
		.replace(/\//g, ' slash ')
		.replace(/[-_]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** "127.0.0.1" → "localhost"; other hosts as they are, dots spoken. */
export function sayHost(host: string): string {
	if (isLoopbackHost(host)) return 'localhost';
	return host.replace(/\./g, ' dot ');
}

export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** 40 s → "40 seconds", 720 s → "12 minutes", 5400 s → "1 hour 30 minutes". */
export function sayDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return plural(s, 'second');
	const minutes = Math.floor(s / 60);
	if (minutes < 60) return plural(minutes, 'minute');
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour');
}

/** "a, b and c". */
export function sayList(items: string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Why an output is not on air, from its error code, in a few spoken words. */
export function sayCause(code: string | null, fallback: string | null): string {
	switch (code) {
		case 'E_ICECAST_REFUSED':
		case 'E_ICECAST_TIMEOUT':
		case 'E_ICECAST_CLOSED':
		case 'E_ICECAST_RESET':
			return 'server not answering';
		case 'E_ICECAST_STALLED':
			return 'server not keeping up';
		case 'E_ICECAST_DNS':
			return 'server name not found';
		case 'E_ICECAST_AUTH':
			return 'the server refused the password';
		case 'E_ICECAST_MOUNT_IN_USE':
			return 'another source is using the mount';
		case 'E_SECRET_UNRESOLVED':
			return 'the password could not be read';
		default:
			return fallback ? fallback.split(':')[0]!.toLowerCase() : 'unknown problem';
	}
}
