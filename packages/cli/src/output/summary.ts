import type { OutputStatus, StatusSnapshot } from '@jdcast/core';
import { formatTitle } from '@jdcast/core/internal';
import { duration } from './status-table.js';

/** "Opus at 96 kbps", "FLAC" (lossless: no bitrate to give). */
export function encodingText(o: Pick<OutputStatus, 'format' | 'bitrate'>): string {
	const format = formatTitle(o.format);
	return o.bitrate ? `${format} at ${o.bitrate} kbps` : format;
}

/**
 * `jdcast status`'s first line, what the voice plugin says in writing: "streaming Opus at 96 kbps
 * to /jam.opus on local, 2 listeners, on air 12:04", with what is not live after it.
 */
export function summaryLine(snapshot: StatusSnapshot, now = Date.now()): string {
	const running = snapshot.profiles.filter((p) => p.state !== 'stopped' && p.state !== 'failed');
	const all = running.flatMap((p) => p.outputs);
	if (all.length === 0) return running.length > 0 ? 'recording only: no stream' : 'not streaming';
	const live = all.filter((o) => o.state === 'live');
	const others = all.length - live.length;
	const rest = others > 0 ? `; ${others} other output${others === 1 ? '' : 's'} not live (below)` : '';
	if (live.length === 0) return `not on air: ${all.length} output${all.length === 1 ? '' : 's'} not live (below)`;
	const list = (items: string[]) => [...new Set(items)].join(', ');
	// Counts the servers did not give (yet) are not zero: left out, and unknown when none is known.
	const counts = live.flatMap((o) => (o.listeners === null ? [] : [o.listeners]));
	const listeners = counts.reduce((sum, n) => sum + n, 0);
	const heard = counts.length === 0 ? 'listeners unknown' : `${listeners} listener${listeners === 1 ? '' : 's'}`;
	const since = Math.min(...live.map((o) => Date.parse(o.liveSince ?? new Date(now).toISOString())));
	const seconds = Math.max(0, Math.floor((now - since) / 1000));
	const onAir = duration(seconds);
	return `streaming ${list(live.map(encodingText))} to ${list(live.map((o) => o.mount))} on ${list(live.map((o) => o.server))}, ${heard}, on air ${onAir}${rest}`;
}
