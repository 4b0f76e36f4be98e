import type { MountOnServer, MountSource, ProfileStatus, StatusSnapshot } from '../../src/status/types.js';
import { plural, stationTime } from './format.js';

/** One public (shared) mount as the station strip shows it: who really feeds it, since when, who hears it. */
export interface StationRow {
	mount: string;
	/** Its first server's source: a profile, `external`, or null (nobody). */
	source: MountSource;
	sourceSince: string | null;
	/** Summed over its servers; null while no count is known. */
	listeners: number | null;
	/** Where listeners are while nobody feeds it (null: none, or not known). */
	fallback: string | null;
	/** Who feeds the fallback (null: nobody — listeners hear nothing). */
	fallbackSource: MountSource;
	/** The fallback mount's own listeners (null when not known). */
	fallbackListeners: number | null;
	/** The harbor DJ on air through the profile that feeds it, if that profile is a harbor. */
	dj: string | null;
	/** When the profile that feeds it took it from a silent holder (failover), and from whom. */
	tookOver: { at: string; from: string | null; silentSeconds: number } | null;
	/** Servers (edges) whose source is not the first server's: rare, and worth saying. */
	elsewhere: { server: string; source: MountSource }[];
}

/**
 * A row per mount that some profile marks `shared`, in the profiles' order. Who feeds it comes
 * from `status.mounts` (the engine's MountBroker); a shared mount whose profiles are all stopped is
 * missing there, and shown as nobody's.
 */
export function stationRows(status: StatusSnapshot): StationRow[] {
	const sharedUrls = new Set(status.profiles.flatMap((p) => p.outputs.filter((o) => o.shared).map((o) => o.url)));
	const names = [...new Set(status.profiles.flatMap((p) => p.outputs.filter((o) => o.shared).map((o) => o.mount)))];
	return names.map((mount) => {
		const known = status.mounts.find((m) => m.mount === mount);
		const servers = known?.servers.filter((s) => sharedUrls.has(s.url)) ?? [];
		const first: Pick<MountOnServer, 'source' | 'sourceSince' | 'fallback' | 'fallbackSource'> = servers[0] ?? {
			source: null,
			sourceSince: null,
			fallback: null,
			fallbackSource: null,
		};
		const fallback = first.fallback;
		const holder = status.profiles.find((p) => p.name === first.source);
		const harborDj = holder?.harbor?.dj;
		return {
			mount,
			dj: harborDj?.onAirSince ? harborDj.user : null,
			tookOver: holder?.outputs.find((o) => o.mount === mount && o.failover?.last)?.failover?.last ?? null,
			source: first.source,
			sourceSince: first.sourceSince,
			listeners: known?.listeners ?? null,
			fallback,
			fallbackSource: first.fallbackSource,
			fallbackListeners:
				fallback === null ? null : (status.mounts.find((m) => m.mount === fallback)?.listeners ?? null),
			elsewhere: servers
				.slice(1)
				.filter((s) => s.source !== first.source)
				.map((s) => ({ server: s.server, source: s.source })),
		};
	});
}

/** Who a source is, in a sentence. */
export function sourceName(source: MountSource): string {
	return source === null ? 'nobody' : source === 'external' ? 'external source' : source;
}

/** The row's "who" part: the holder, or where its listeners are while nobody feeds it. */
export function holderText(row: StationRow): string {
	if (row.source !== null) return `${sourceName(row.source)}${row.dj === null ? '' : ` (DJ ${row.dj})`}`;
	if (row.fallback === null) return 'nobody (no fallback known)';
	return row.fallbackSource === null
		? `nobody, nor its fallback ${row.fallback}: listeners hear nothing`
		: `nobody — listeners on ${row.fallback}`;
}

export const sinceText = (iso: string | null, now: number): string | null =>
	iso === null ? null : `since ${stationTime(iso, now)}`;

/** The next slot: "next dj-ben at 23:00" today, "next dj-ben Sat 20:00" another day; null without one. */
export function nextSlotText(schedule: StatusSnapshot['schedule'], now: number): string | null {
	if (!schedule?.next || !schedule.nextAt) return null;
	const when = stationTime(schedule.nextAt, now);
	return `next ${schedule.next} ${/^\d/.test(when) ? 'at ' : ''}${when}`;
}

/**
 * The header's line: "On air: dj-ben on /live.opus since 22:04, 37 listeners", following who
 * really feeds the shared mounts (not the schedule's slot). Mounts with the same source share one
 * part; null when no mount is shared.
 */
export function onAirLine(rows: readonly StationRow[], now: number): string | null {
	if (rows.length === 0) return null;
	const groups = new Map<MountSource, StationRow[]>();
	for (const row of rows) groups.set(row.source, [...(groups.get(row.source) ?? []), row]);
	const parts = [...groups].map(([source, list]) => {
		const mounts = list.map((r) => r.mount).join(', ');
		const since = list
			.map((r) => r.sourceSince)
			.filter((s) => s !== null)
			.sort()[0];
		const from = since ? ` ${sinceText(since, now)}` : '';
		if (source === null) {
			const fallbacks = [...new Set(list.map((r) => r.fallback).filter((f) => f !== null))];
			return `nobody on ${mounts}${from}${fallbacks.length > 0 ? ` — listeners on ${fallbacks.join(', ')}` : ''}`;
		}
		const counts = list.map((r) => r.listeners).filter((n) => n !== null);
		const listeners =
			counts.length === 0
				? ''
				: `, ${plural(
						counts.reduce((a, b) => a + b, 0),
						'listener',
					)}`;
		return `${sourceName(source)} on ${mounts}${from}${listeners}`;
	});
	return `On air: ${parts.join('; ')}`;
}

/**
 * Whom a profile can hand over to: the profiles sharing at least one mount with it (the same
 * listen URL, so the same server and mount, shared on both sides). Anyone else (an autodj on its
 * own mounts) would be refused by the engine.
 */
export function handoverCandidates(profiles: readonly ProfileStatus[], name: string): string[] {
	const own = profiles.find((p) => p.name === name);
	const urls = new Set(own?.outputs.filter((o) => o.shared).map((o) => o.url));
	return profiles
		.filter((p) => p.name !== name && p.outputs.some((o) => o.shared && urls.has(o.url)))
		.map((p) => p.name);
}
