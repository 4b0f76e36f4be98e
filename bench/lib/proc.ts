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

/** Resident memory of a process in MiB; 0 once it is gone. */
export function rssMiB(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
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
export async function sampleProcesses(pids: () => number[], seconds: number): Promise<{ cpuSeconds: number; peakRssMiB: number }> {
	const start = new Map<number, number>();
	for (const pid of pids()) start.set(pid, cpuSeconds(pid));
	let peak = 0;
	const end = Date.now() + seconds * 1000;
	while (Date.now() < end) {
		await new Promise((r) => setTimeout(r, 500));
		peak = Math.max(peak, pids().reduce((sum, pid) => sum + rssMiB(pid), 0));
	}
	let cpu = 0;
	for (const pid of pids()) cpu += cpuSeconds(pid) - (start.get(pid) ?? 0);
	return { cpuSeconds: cpu, peakRssMiB: peak };
}
