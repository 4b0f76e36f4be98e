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

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
/** Calendar days from `now`'s date to `at`'s, in the browser's time (a DST night is still one day). */
function daysApart(at: Date, now: Date): number {
	const midnight = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
	return Math.round((midnight(at) - midnight(now)) / 86_400_000);
}

/**
 * A moment as a station's running order writes it, in the browser's time, 24-hour: "22:04" today,
 * "Sat 20:00" on another day of the six before or after, "Sat 12 Dec 20:00" further off (a weekday
 * alone would then name two dates).
 */
export function stationTime(iso: string, now: number): string {
	const at = new Date(iso);
	const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
	const days = Math.abs(daysApart(at, new Date(now)));
	if (days === 0) return time;
	const day = DAYS[at.getDay()];
	return days < 7 ? `${day} ${time}` : `${day} ${at.getDate()} ${MONTHS[at.getMonth()]} ${time}`;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
