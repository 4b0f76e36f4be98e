const pad = (n: number) => String(n).padStart(2, '0');

/** A moment on this machine's clock in parts: `date` YYYY-MM-DD, then hours, minutes, seconds (two digits each). */
export function localTime(at: Date): { date: string; hh: string; mm: string; ss: string } {
	return {
		date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
		hh: pad(at.getHours()),
		mm: pad(at.getMinutes()),
		ss: pad(at.getSeconds()),
	};
}
