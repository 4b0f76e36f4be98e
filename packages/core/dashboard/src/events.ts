import type { JdcastEventMessage } from '../../src/status/messages.js';
import {
	listenersByMount,
	type MountListeners,
	type RecordingStatus,
	type StatusSnapshot,
} from '../../src/status/types.js';

type Message<K extends JdcastEventMessage['event']> = Extract<JdcastEventMessage, { event: K }>;

/** A snapshot before the first one came: nothing to show yet. */
export const EMPTY_STATUS: StatusSnapshot = { profiles: [], mounts: [], process: { pid: 0, loopDelayMaxMs: 0 } };

/**
 * How an event changes the snapshot the page shows; null: fetch the status again (the event
 * changes more than it says, or names something the page does not know yet).
 */
export function applyEvent(status: StatusSnapshot, message: JdcastEventMessage): StatusSnapshot | null {
	if (message.event === 'status') {
		const { event: _e, time: _t, ...snapshot } = message;
		return snapshot;
	}
	// A mount's source may be no profile at all (external, nobody): it is the mount's news, not a profile's.
	if (message.event === 'mount') return withMountSource(status, message);
	const index = status.profiles.findIndex((p) => p.name === message.profile);
	const profile = status.profiles[index];
	if (!profile) return null;
	const patch = (changes: Partial<typeof profile>): StatusSnapshot => ({
		...status,
		profiles: status.profiles.with(index, { ...profile, ...changes }),
	});
	switch (message.event) {
		case 'level': {
			const { event: _e, profile: _p, time: _t, ...audio } = message;
			return profile.state === 'stopped' ? null : patch({ audio });
		}
		case 'stats': {
			const next = patch({ outputs: message.outputs, recordings: message.recordings });
			// Listener counts arrive with the outputs: the station's sums follow them, its holders stay.
			return { ...next, mounts: listenersByMount(next.profiles, (url) => holderOf(status.mounts, url)) };
		}
		case 'recording': {
			const at = profile.recordings.findIndex((r) => r.path === message.path);
			const known = profile.recordings[at];
			if (!known) return null;
			const reported = { ...known, state: message.state, lastError: message.error };
			if (message.seconds > 0 || message.state !== 'stopped') reported.seconds = message.seconds;
			if (message.partBytes > 0 || message.state !== 'stopped') reported.partBytes = message.partBytes;
			return patch({ recordings: profile.recordings.with(at, reported) });
		}
		default:
			return null;
	}
}

/** The new source of one mount on one server; null when the page does not know that mount yet. */
function withMountSource(status: StatusSnapshot, event: Message<'mount'>): StatusSnapshot | null {
	const at = status.mounts.findIndex(
		(m) => m.mount === event.mount && m.servers.some((s) => s.server === event.server),
	);
	const mount = status.mounts[at];
	if (!mount) return null;
	const servers = mount.servers.map((s) =>
		s.server === event.server ? { ...s, source: event.source, sourceSince: event.since } : s,
	);
	return { ...status, mounts: status.mounts.with(at, { ...mount, servers }) };
}

function holderOf(mounts: readonly MountListeners[], url: string) {
	for (const mount of mounts)
		for (const { server: _s, url: u, listeners: _l, ...holder } of mount.servers) if (u === url) return holder;
	return { source: null, sourceSince: null, fallback: null, fallbackSource: null, recording: null };
}

/**
 * The next snapshot, but a stopped recording keeps the length and size the page saw last: a
 * recording's status, and its `stopped` event, may say 0 once its file is closed, and "0 s · 0 B"
 * would read as a recording that never happened.
 */
export function keepRecordingLengths(previous: StatusSnapshot, next: StatusSnapshot): StatusSnapshot {
	const before = new Map<string, RecordingStatus>();
	for (const p of previous.profiles) for (const r of p.recordings) before.set(`${p.name}\n${r.path}`, r);
	let changed = false;
	const profiles = next.profiles.map((p) => {
		const recordings = p.recordings.map((r) => {
			const old = before.get(`${p.name}\n${r.path}`);
			if (r.state !== 'stopped' || !old) return r;
			const kept = {
				...r,
				seconds: r.seconds || old.seconds,
				partBytes: r.partBytes || old.partBytes,
				bytes: r.bytes || old.bytes,
			};
			if (kept.seconds === r.seconds && kept.partBytes === r.partBytes && kept.bytes === r.bytes) return r;
			changed = true;
			return kept;
		});
		return recordings.some((r, i) => r !== p.recordings[i]) ? { ...p, recordings } : p;
	});
	return changed ? { ...next, profiles } : next;
}
