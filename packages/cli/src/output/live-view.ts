import type { Orchestrator } from '@jdcast/core';
import { clean, renderTable, wantsColor } from './status-table.js';

/** The live table of `jdcast up` on a terminal: one line per output, redrawn in place. */
export async function showLiveView(
	orchestrator: Orchestrator,
	out: NodeJS.WriteStream = process.stdout,
): Promise<() => void> {
	// Loaded only for a terminal: JSON mode and scripts start faster without it.
	const { createLogUpdate } = await import('log-update');
	const update = createLogUpdate(out);
	const draw = () => update(renderTable(orchestrator.status(), { color: wantsColor(out), width: out.columns || 80 }));
	const printAbove = (line: string) => {
		update.clear();
		out.write(`${clean(line)}\n`);
		draw();
	};
	const onLog = ({ profile, level, message }: { profile: string; level: string; message: string }) => {
		if (level !== 'info' && !message.startsWith('ffmpeg: [warning]')) printAbove(`${profile}: ${level}: ${message}`);
	};
	const onOutput = ({
		profile,
		mount,
		server,
		state,
		error,
	}: {
		profile: string;
		mount: string;
		server: string;
		state: string;
		error: string | null;
	}) => {
		if (state === 'failed') printAbove(`${profile}: ${mount} on ${server} failed: ${error ?? 'unknown error'}`);
	};
	orchestrator.on('log', onLog);
	orchestrator.on('output', onOutput);
	const timer = setInterval(draw, 1000);
	draw();
	return () => {
		clearInterval(timer);
		orchestrator.off('log', onLog);
		orchestrator.off('output', onOutput);
		draw();
		update.done();
	};
}
