import type { JdcastEvents, Orchestrator } from '@jdcast/core';

const EVENTS = ['profile', 'output', 'retry', 'recording', 'encoder', 'jack', 'log', 'metadata', 'silence', 'handover'] as const satisfies readonly (keyof JdcastEvents)[];
/** Levels come ten times a second; a log gets one line a second per profile. */
const LEVEL_LINE_MS = 1000;

/** One event as one line of JSON: `{"event", "time", ...payload}`. */
export function jsonLine(event: string, payload: object, out: NodeJS.WritableStream = process.stdout): void {
	out.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...payload })}\n`);
}

/** One JSON object per line per event: `{"event", "time", "profile", ...}`; stats: one line per output. */
export function writeJsonLines(orchestrator: Orchestrator, out: NodeJS.WritableStream = process.stdout): () => void {
	const write = (event: string, payload: object) => jsonLine(event, payload, out);
	const handlers = EVENTS.map((event) => {
		const handler = (payload: object) => write(event, payload);
		orchestrator.on(event, handler);
		return () => orchestrator.off(event, handler);
	});
	const onStats: (...args: JdcastEvents['stats']) => void = ({ profile, outputs, recordings }) => {
		for (const o of outputs) write('stats', { profile, ...o });
		for (const r of recordings) write('stats', { profile, recording: r.path, state: r.state, bytes: r.bytes });
	};
	orchestrator.on('stats', onStats);
	const lastLevel = new Map<string, number>();
	const onLevel: (...args: JdcastEvents['level']) => void = (level) => {
		const now = performance.now();
		if (now - (lastLevel.get(level.profile) ?? -Infinity) < LEVEL_LINE_MS) return;
		lastLevel.set(level.profile, now);
		write('level', level);
	};
	orchestrator.on('level', onLevel);
	return () => {
		handlers.forEach((off) => off());
		orchestrator.off('stats', onStats);
		orchestrator.off('level', onLevel);
	};
}
