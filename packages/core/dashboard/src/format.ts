/** How the dashboard writes figures: the same units as `jdcast status`. */
export const db = (value: number | null | undefined, unit = 'dB'): string =>
	value === null || value === undefined ? `−∞ ${unit}` : `${value.toFixed(1)} ${unit}`;

export const lufs = (value: number | null): string => (value === null ? '—' : value.toFixed(1));

export function bytes(n: number): string {
	if (n < 1024) return `${n} B`;
	const units = ['KiB', 'MiB', 'GiB', 'TiB'];
	let value = n / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function duration(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	return h > 0
		? `${h} h ${String(m).padStart(2, '0')} min`
		: m > 0
			? `${m} min ${String(s % 60).padStart(2, '0')} s`
			: `${s} s`;
}

export const since = (iso: string | null, now: number): string =>
	iso ? duration((now - Date.parse(iso)) / 1000) : '—';

export const clock = (iso: string): string => new Date(iso).toLocaleTimeString();
