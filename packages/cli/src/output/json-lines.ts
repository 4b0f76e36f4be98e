import type { JdcastEventMessage, Orchestrator } from '@jdcast/core';

/** Levels come ten times a second; a log gets one line a second per profile. */
const LEVEL_LINE_MS = 1000;

/** One line of JSON: `{"event", "time", ...payload}`, as jdcast's own events are. */
export function jsonLine(event: string, payload: object, out: NodeJS.WritableStream = process.stdout): void {
	out.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...payload })}\n`);
}

/**
 * One JSON object per line per event: `{"event", "time", "profile", ...}`; stats: one line per output
 * and recording; levels once a second.
 */
export function writeJsonLines(orchestrator: Orchestrator, out: NodeJS.WritableStream = process.stdout): () => void {
	const write = (message: object) => out.write(`${JSON.stringify(message)}\n`);
	const lastLevel = new Map<string, number>();
	return orchestrator.onEveryEvent((message: JdcastEventMessage) => {
		if (message.event === 'stats') {
			const { event, time, profile } = message;
			for (const o of message.outputs) write({ event, time, profile, ...o });
			for (const r of message.recordings)
				write({ event, time, profile, recording: r.path, state: r.state, bytes: r.bytes });
		} else if (message.event === 'level') {
			const now = performance.now();
			if (now - (lastLevel.get(message.profile) ?? -Infinity) < LEVEL_LINE_MS) return;
			lastLevel.set(message.profile, now);
			write(message);
		} else {
			write(message);
		}
	});
}
