import type { OutputStatus, StatusSnapshot } from '@jdcast/core';

/** One line per output and recording: what `jdcast up` redraws and `jdcast status` prints. */
export function renderTable(snapshot: StatusSnapshot, now = Date.now()): string {
	const rows: string[][] = [['PROFILE', 'MOUNT', 'SERVER', 'STATE', 'ON AIR', 'KBPS', 'LISTENERS', 'RECONNECTS', 'LAST ERROR']];
	for (const p of snapshot.profiles) {
		for (const o of p.outputs) {
			rows.push([p.name, o.mount, o.server, o.state, onAir(o, now), String(o.kbps), o.listeners === null ? '-' : String(o.listeners), String(o.reconnects), o.state === 'live' ? '' : (o.lastError ?? '')]);
		}
		for (const r of p.recordings) rows.push([p.name, `record ${r.path}`, '', r.state, '', '', '', '', r.lastError ?? '']);
		if (p.outputs.length === 0 && p.recordings.length === 0) rows.push([p.name, '', '', p.state, '', '', '', '', p.lastError ?? '']);
	}
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function onAir(o: OutputStatus, now: number): string {
	if (!o.liveSince) return '';
	const seconds = Math.max(0, Math.floor((now - Date.parse(o.liveSince)) / 1000));
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(s).padStart(2, '0')}`;
}
