import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) a process has used so far, including its children that have ended
 * (jdcast's short-lived jack_lsp and jack_connect count against it); 0 once it is gone.
 */
export function cpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
	} catch {
		return 0;
	}
}

/**
 * Proportional memory of a process in MiB (PSS: shared pages divided among their users), 0 once
 * it is gone. Not RSS: every JACK client maps the server's shared memory, and RSS would count
 * that whole for each process.
 */
export function pssMiB(pid: number): number {
	try {
		const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
		return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
}

/** Child processes of `pid`. */
export function children(pid: number): number[] {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

/** Samples CPU and peak RSS of a set of processes (found anew each time) over a period. */
export async function sampleProcesses(
	pids: () => number[],
	seconds: number,
): Promise<{ cpuSeconds: number; peakPssMiB: number; processes: number }> {
	const start = new Map<number, number>();
	for (const pid of pids()) start.set(pid, cpuSeconds(pid));
	let peak = 0;
	let processes = 0;
	const end = Date.now() + seconds * 1000;
	while (Date.now() < end) {
		await new Promise((r) => setTimeout(r, 500));
		const now = pids();
		processes = Math.max(processes, now.length);
		peak = Math.max(
			peak,
			now.reduce((sum, pid) => sum + pssMiB(pid), 0),
		);
	}
	let cpu = 0;
	for (const pid of pids()) cpu += cpuSeconds(pid) - (start.get(pid) ?? 0);
	return { cpuSeconds: cpu, peakPssMiB: peak, processes };
}
