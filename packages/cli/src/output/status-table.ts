import path from 'node:path';
import type {
	AudioStatus,
	HarborStatus,
	OutputStatus,
	ProfileStatus,
	ScheduleStatus,
	StatusSnapshot,
} from '@jdcast/core';
import { withoutControlCharacters } from '@jdcast/core/internal';

export interface TableOptions {
	/** ANSI colours (a terminal without NO_COLOR). */
	color?: boolean;
	/** The width to fit; every line is cut to it. */
	width?: number;
	now?: number;
	/** Recording paths are shown relative to this folder. */
	cwd?: string;
}

const METER_CELLS = 12;
const MOUNT_WIDTH = 22;
const METER_FLOOR_DB = -60;

/**
 * What `jdcast up` redraws and `jdcast status` prints: per profile a line with its state and a
 * meter of what goes to air (peak bar, peak dBFS, loudness; SILENT when dead air was detected),
 * then a line per output and recording.
 */
export function renderTable(snapshot: StatusSnapshot, options: TableOptions = {}): string {
	const { color = false, width = 80, now = Date.now(), cwd = process.cwd() } = options;
	const paint = color ? ansi : (_: Paint, text: string) => text;
	const lines: string[] = [];
	const rows: { cells: string[]; paint: Paint; error?: string }[] = [];
	for (const p of snapshot.profiles) {
		rows.push({ cells: [p.name, p.state, meterLine(p, now)], paint: stateColor(p.state) });
		// With loudness control, what comes in, on a line of its own under what goes to air.
		const input = p.state === 'stopped' ? undefined : p.audio?.input;
		if (input)
			rows.push({
				cells: ['', '', `input before loudness control: S ${lufs(input.shortTermLufs)} LUFS`],
				paint: 'dim',
			});
		if (p.harbor && p.state !== 'stopped') rows.push({ cells: ['  harbor', harborLine(p.harbor, now)], paint: 'dim' });
		for (const o of p.outputs) {
			const on = live(o);
			rows.push({
				cells: [
					`  ${o.mount}`,
					o.server,
					o.state,
					onAir(o, now),
					on ? String(o.kbps) : '',
					on && o.listeners !== null ? String(o.listeners) : '',
					String(o.reconnects),
				],
				paint: stateColor(o.state),
				...(o.state === 'live' ? {} : { error: o.lastError ?? '' }),
			});
			const took = o.failover?.last;
			if (took)
				rows.push({
					cells: [
						'    failover',
						`took it ${momentText(new Date(took.at), new Date(now))} from ${took.from ?? 'a silent source'} after ${took.silentSeconds.toFixed(1)} s without audio${o.failover!.count > 1 ? ` (${o.failover!.count} times)` : ''}`,
					],
					paint: 'dim',
				});
		}
		// A recording's path is long: its own line, `rec STATE PATH`, shortened to fit.
		for (const r of p.recordings) {
			const lost = r.lostSeconds > 0 ? ` (part ${r.parts.length}, ${r.lostSeconds} s lost)` : '';
			rows.push({
				cells: [`  rec ${r.state}`, `${shortPath(r.path, cwd, width - r.state.length - 8 - lost.length)}${lost}`],
				paint: stateColor(r.state),
				error: r.lastError ?? '',
			});
		}
		if (p.lastError && p.state !== 'running') rows.push({ cells: [], paint: 'failed', error: p.lastError });
	}
	const header = ['MOUNT', 'SERVER', 'STATE', 'ON AIR', 'KBPS', 'LISTENERS', 'RECONNECTS'];
	const outputRows = rows.filter((r) => r.cells.length === header.length);
	const widths = header.map((h, i) =>
		Math.min(i === 0 ? MOUNT_WIDTH : Infinity, Math.max(h.length, ...outputRows.map((r) => r.cells[i]!.length))),
	);
	const line = (cells: string[]) =>
		cut(
			cells
				.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : cut(c, widths[i]!).padEnd(widths[i]!)))
				.join('  ')
				.trimEnd(),
			width,
		);
	lines.push(paint('dim', line(header)));
	for (const row of rows) {
		if (row.cells.length === 3) {
			const [name, state, meter] = row.cells as [string, string, string];
			const rest = cut(`${name}  ${state}  ${meter}`, width).slice(name.length + state.length + 4);
			lines.push(
				`${paint('profile', name)}  ${paint(stateColor(state), state)}${rest ? `  ${meter.startsWith('SILENT') ? paint('failed', rest) : rest}` : ''}`,
			);
		} else if (row.cells.length === 2) {
			lines.push(paint(row.paint, cut(row.cells.join('  '), width)));
		} else if (row.cells.length > 0) {
			lines.push(paint(row.paint, line(row.cells)));
		}
		// The cause under the row it belongs to: the table stays narrow, the words stay whole.
		if (row.error) lines.push(paint(row.paint === 'good' ? 'dim' : row.paint, cut(`      ${clean(row.error)}`, width)));
	}
	// A mount on several servers (edges): its listeners in all, then per server.
	for (const m of snapshot.mounts ?? []) {
		if (m.servers.length < 2) continue;
		const each = m.servers.map((s) => `${s.server} ${s.listeners ?? '?'}`).join(', ');
		lines.push(cut(`${m.mount}: ${m.listeners ?? '?'} listeners on ${m.servers.length} servers (${each})`, width));
	}
	for (const line of stationLines(snapshot)) lines.push(cut(line, width));
	if (snapshot.schedule) lines.push(paint('dim', cut(scheduleLine(snapshot.schedule, now), width)));
	return lines.join('\n');
}

/**
 * Who is on each shared mount, as the MountBroker says: "on air: /live.opus on station: dj-ben
 * since 22:04, 37 listeners", "… an external source since …", "… nobody (listeners on /autodj.opus)".
 */
export function stationLines(snapshot: StatusSnapshot): string[] {
	const shared = new Set(
		snapshot.profiles.flatMap((p) =>
			p.state === 'stopped' ? [] : p.outputs.filter((o) => o.shared).map((o) => o.url),
		),
	);
	return (snapshot.mounts ?? []).flatMap((m) =>
		m.servers
			.filter((s) => shared.has(s.url))
			.map((s) => {
				const since = s.sourceSince ? ` since ${new Date(s.sourceSince).toTimeString().slice(0, 5)}` : '';
				const who =
					s.source === null
						? s.fallback === null
							? 'nobody (no fallback: listeners hear nothing)'
							: s.fallbackSource === null
								? `nobody, nor its fallback ${s.fallback}: listeners hear nothing`
								: `nobody (listeners on ${s.fallback})`
						: s.source === 'external'
							? 'a source outside this jdcast'
							: withHarborDj(snapshot, s.source);
				const listeners = s.listeners === null ? '' : `, ${s.listeners} listener${s.listeners === 1 ? '' : 's'}`;
				return `on air: ${m.mount} on ${s.server}: ${who}${since}${listeners}`;
			}),
	);
}

/** A harbor's line: who is connected and since when, or who left last and why. */
function harborLine(h: HarborStatus, now: number): string {
	const where = `${h.port}${h.mount}`;
	const refused = h.refused > 0 ? `; ${h.refused} refused` : '';
	if (h.dj) {
		const dj = h.dj;
		const state = dj.onAirSince ? `on air since ${momentText(new Date(dj.onAirSince), new Date(now))}` : 'connected';
		const software = dj.userAgent ? ` (${dj.userAgent})` : '';
		return `${where}: ${dj.user} ${state} from ${dj.address}${software}${dj.codec ? `, ${dj.codec}` : ''}${refused}`;
	}
	const last = h.lastDj
		? `; ${h.lastDj.user} left ${momentText(new Date(h.lastDj.leftAt), new Date(now))} (${h.lastDj.reason})`
		: '';
	return `${where}: no DJ${last}${refused}`;
}

/** A profile that holds a mount, named with its harbor's DJ when it has one on air: "live (DJ anna)". */
function withHarborDj(snapshot: StatusSnapshot, profile: string): string {
	const dj = snapshot.profiles.find((p) => p.name === profile)?.harbor?.dj;
	return dj?.onAirSince ? `${profile} (DJ ${dj.user})` : profile;
}

/** A moment as a person reads it: "22:00" today, "Sat 20:00" another day within the week, "31 Dec 20:00" beyond. */
export function momentText(at: Date, now: Date): string {
	const time = at.toTimeString().slice(0, 5);
	if (at.toDateString() === now.toDateString()) return time;
	const days = (at.getTime() - now.getTime()) / 86_400_000;
	if (days > -1 && days < 6) return `${at.toLocaleDateString('en-GB', { weekday: 'short' })} ${time}`;
	return `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

/** "schedule: dj-a's slot, dj-a on air; next dj-b at 22:00 (in 12 minutes)", the day named when not today. */
function scheduleLine(s: ScheduleStatus, now: number): string {
	const holder = s.current === 'external' ? 'a source outside this jdcast' : s.current;
	const slot = s.slot ? `${s.slot}'s slot` : 'no slot';
	const on = holder ? `${holder} on air` : 'nobody on air';
	const truth = s.slot && s.current !== s.slot ? `${slot}, but ${on}` : s.slot ? `${slot}, ${on}` : `${slot}; ${on}`;
	if (!s.next || !s.nextAt) return `schedule: ${truth}; no slot in the next 8 days`;
	const at = new Date(s.nextAt);
	const minutes = Math.max(0, Math.round((at.getTime() - now) / 60_000));
	const inWords =
		minutes < 1
			? 'in under a minute'
			: minutes < 120
				? `in ${minutes} minute${minutes === 1 ? '' : 's'}`
				: minutes < 48 * 60
					? `in ${Math.round(minutes / 60)} hours`
					: `in ${Math.round(minutes / 1440)} days`;
	const when = momentText(at, new Date(now));
	return `schedule: ${truth}; next ${s.next} ${/^\d/.test(when) ? 'at ' : ''}${when} (${inWords})`;
}

const lufs = (v: number | null) => (v === null ? '-inf' : v.toFixed(1));

function meterLine(p: ProfileStatus, now: number): string {
	const a = p.audio;
	if (!a || p.state === 'stopped') return '';
	const peak = Math.max(...a.peakDb.map((d) => d ?? -Infinity));
	const filled = Number.isFinite(peak)
		? Math.round(((Math.max(METER_FLOOR_DB, Math.min(0, peak)) - METER_FLOOR_DB) / -METER_FLOOR_DB) * METER_CELLS)
		: 0;
	const db = (v: number | null) => (v === null ? '-inf' : v.toFixed(1));
	const parts = [
		`[${'#'.repeat(filled)}${'.'.repeat(METER_CELLS - filled)}]`,
		`${db(Number.isFinite(peak) ? peak : null)} dBFS`,
		`M ${db(a.momentaryLufs)}`,
		`I ${db(a.integratedLufs)} LUFS`,
	];
	if (a.clips > 0) parts.push(`${a.clips} clipped`);
	// Dead air first: it is what must not be missed, even on a narrow terminal.
	if (a.silent) parts.unshift(`SILENT ${silentFor(a, now)}`);
	return parts.join('  ');
}

function silentFor(a: AudioStatus, now: number): string {
	return a.silentSince ? `for ${duration(Math.max(0, Math.floor((now - Date.parse(a.silentSince)) / 1000)))}` : '';
}

function live(o: OutputStatus): boolean {
	return o.state === 'live' || o.state === 'stalled';
}

function onAir(o: OutputStatus, now: number): string {
	if (!o.liveSince) return '';
	return duration(Math.max(0, Math.floor((now - Date.parse(o.liveSince)) / 1000)));
}

export function duration(seconds: number): string {
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(s).padStart(2, '0')}`;
}

/** A recording path as short as it can be told: relative when under `cwd`, else cut in the middle. */
export function shortPath(file: string, cwd: string, max: number): string {
	// Validation refuses control characters in a path; a file named by another jdcast's status is cleaned all the same.
	const relative = path.relative(cwd, clean(file));
	const shown = relative && !relative.startsWith('..') ? relative : clean(file);
	if (shown.length <= max) return shown;
	const base = path.basename(shown);
	return base.length + 2 >= max ? `…${base.slice(-(max - 1))}` : `…${shown.slice(-(max - 1))}`;
}

/** What a server said may hold escape sequences: never let them reach a terminal. */
export const clean = withoutControlCharacters;

function cut(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

type Paint = 'profile' | 'good' | 'busy' | 'failed' | 'dim' | 'plain';

function stateColor(state: string): Paint {
	if (state === 'live' || state === 'running' || state === 'recording') return 'good';
	if (state === 'failed') return 'failed';
	// Standing by is how a station works: calm, not the colour of something under way or wrong.
	if (state === 'stopped' || state === 'standby') return 'dim';
	return 'busy';
}

const CODES: Record<Paint, string> = { profile: '1', good: '32', busy: '33', failed: '1;31', dim: '2', plain: '0' };

function ansi(paint: Paint, text: string): string {
	return `\u001b[${CODES[paint]}m${text}\u001b[0m`;
}

/** Colours for a terminal, unless NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: NodeJS.WriteStream): boolean {
	return stream.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}
