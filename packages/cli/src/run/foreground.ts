import { Orchestrator, type Profile } from '@jdcast/core';
import { writeJsonLines } from '../output/json-lines.js';
import { showLiveView } from '../output/live-view.js';

export interface ForegroundOptions {
	json: boolean;
	/** Stop by itself after this many seconds. */
	seconds?: number;
	/** Printed once the profiles have started (e.g. the demo's listen URLs). */
	banner?: (orchestrator: Orchestrator) => string;
	/** Cleanup after every profile has stopped. */
	afterStop?: () => Promise<void>;
}

/**
 * Runs profiles in the foreground until SIGINT or SIGTERM (or `seconds`): live table on a
 * terminal, JSON lines otherwise. Stops every encoder, connection and file before returning 0.
 */
export async function runForeground(profiles: Profile[], options: ForegroundOptions): Promise<number> {
	const orchestrator = new Orchestrator();
	const json = options.json || !process.stdout.isTTY;
	const detach = json ? writeJsonLines(orchestrator) : undefined;
	let stopping: Promise<void> | undefined;
	const stopped = new Promise<void>((resolve) => {
		const stop = () => {
			stopping ??= orchestrator.stop().then(resolve);
		};
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		if (options.seconds !== undefined) setTimeout(stop, options.seconds * 1000).unref();
	});
	process.on('SIGINT', () => {}); // a second Ctrl-C must not kill us half-way through stopping
	await orchestrator.start(profiles);
	if (options.banner) process.stderr.write(options.banner(orchestrator));
	const closeView = json ? undefined : await showLiveView(orchestrator);
	await stopped;
	closeView?.();
	detach?.();
	await options.afterStop?.();
	return 0;
}
