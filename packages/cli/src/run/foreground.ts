import {
	controlSocketPath,
	createController,
	describeReload,
	followNowPlayingFile,
	JdcastError,
	Orchestrator,
	ProfileError,
	songLine,
	type Metadata,
	type Profile,
	type ReloadResult,
	Scheduler,
	type Schedule,
} from '@jdcast/core';
import type { HttpOptions, HttpServer } from '@jdcast/core/http';
import { watchOwner, type Owner } from '@jdcast/core/internal';
import { jsonLine, writeJsonLines } from '../output/json-lines.js';
import { showLiveView } from '../output/live-view.js';
import { catchStopSignals, requestStop, stopAsked, untilStopAsked } from './stop-request.js';

export interface ForegroundOptions {
	json: boolean;
	/** Control socket (`--socket`); default from the environment. */
	socket?: string;
	/** Stop by itself after this many seconds. */
	seconds?: number;
	/** Reads the profiles again for `jdcast reload` and SIGHUP; throws ProfileError to refuse. */
	reload?: () => Promise<Profile[]>;
	/** Printed once the profiles have started (e.g. the demo's listen URLs); `dashboard`: the HTTP side's URL. */
	banner?: (orchestrator: Orchestrator, dashboard: string | undefined) => string;
	/** Serve the dashboard, the API, /metrics and /healthz (`--http`). */
	http?: HttpOptions;
	/**
	 * Reads the schedule (`--schedule`) for these profile names, undefined when there is none (then no
	 * schedule is in force); throws ProfileError to refuse. Read again at every reload.
	 */
	schedule?: (profiles: string[]) => Promise<Schedule | undefined>;
	/** Stop when this process exits (the Jackdaw voice client that started this jdcast). */
	exitWith?: Owner;
	/** Follow a player's now-playing JSON file (Jackdaw's .now_playing.json) on every profile. */
	nowPlayingFile?: string;
	/** Cleanup after every profile has stopped. */
	afterStop?: () => Promise<void>;
}

/**
 * Runs profiles in the foreground until SIGINT or SIGTERM (or `seconds`): live table on a
 * terminal, JSON lines otherwise, and the control API on its socket. Stops every encoder,
 * connection and file before returning 0.
 */
export async function runForeground(profiles: Profile[], options: ForegroundOptions): Promise<number> {
	const orchestrator = new Orchestrator();
	// SIGTERM (systemd, kill) stops exactly as Ctrl-C does. A stop asked for while profiles are
	// starting waits until they have started (half a start cannot be undone), and a second signal
	// must not kill jdcast half-way through stopping (see stop-request.ts).
	catchStopSignals();
	const json = options.json || !process.stdout.isTTY;
	const say = (event: string, text: string, payload: object = {}) =>
		json ? jsonLine(event, { message: text, ...payload }) : process.stderr.write(`${text}\n`);

	// The schedule drives the engine from outside it (an adapter): the engine only asks it what is due.
	let scheduler: Scheduler | undefined;
	const putInForce = (schedule: Schedule | undefined) => {
		scheduler = schedule ? (scheduler?.replace(schedule) ?? new Scheduler(orchestrator, schedule)) : undefined;
		orchestrator.govern(scheduler);
	};

	let reloading: Promise<ReloadResult> | undefined;
	const readProfiles = options.reload;
	// Without files to read again (the demo), a reload changes nothing: the control API says so itself.
	const reload =
		readProfiles &&
		(async (): Promise<ReloadResult> => {
			// One reload at a time: a second request waits for the first and then runs on its result.
			const previous = reloading;
			const next = (async () => {
				await previous?.catch(() => {});
				const profiles = await readProfiles();
				// The new schedule first: the reload starts only the profiles it has on air (or next).
				if (options.schedule) putInForce(await options.schedule(profiles.map((p) => p.name)));
				const result = await orchestrator.reload(profiles);
				say('reload', `reloaded: ${describeReload(result)}`, { ...result });
				return result;
			})();
			reloading = next;
			return next;
		});

	let controller;
	try {
		controller = await createController(orchestrator, {
			socketPath: controlSocketPath(options.socket),
			...(reload ? { reload } : {}),
		});
	} catch (error) {
		if (error instanceof JdcastError && (error.code === 'E_CONTROL_IN_USE' || error.code === 'E_CONTROL_SOCKET')) {
			process.stderr.write(`jdcast: ${error.message}\n`);
			await options.afterStop?.();
			return 1;
		}
		throw error;
	}

	// The HTTP side comes up while the profiles start (loading it must not delay time to air).
	const http = options.http;
	// Loaded only when asked for: prom-client and the dashboard are no part of time to air.
	const serving = http
		? import('@jdcast/core/http').then(({ serveHttp }) =>
				serveHttp(orchestrator, { ...http, ...(reload ? { reload } : {}) }),
			)
		: undefined;
	serving?.catch(() => {});

	const detach = json ? writeJsonLines(orchestrator) : undefined;
	let exitCode = 0;
	let started = false;
	if (options.seconds !== undefined) setTimeout(requestStop, options.seconds * 1000).unref();
	// Nothing left that could come back on its own: say so and stop, non-zero.
	const stopIfAllFailed = () => {
		const profiles = orchestrator.status().profiles;
		if (!started || stopAsked() || profiles.length === 0 || !profiles.every((p) => p.state === 'failed')) return;
		exitCode = 1;
		say('stopping', 'every profile failed; stopping', {});
		requestStop();
	};
	orchestrator.on('profile', ({ state }) => state === 'failed' && stopIfAllFailed());
	// A run of --seconds (a script's, a check's) that never had anything on air has failed, even if it ran.
	let everOnAir = false;
	orchestrator.on('output', ({ state }) => {
		if (state === 'live') everOnAir = true;
	});
	process.on('SIGHUP', () => {
		reload?.().catch((error: unknown) => {
			const details = error instanceof ProfileError ? error.lines : [];
			say(
				'reload',
				`reload refused, everything keeps running as it was: ${error instanceof Error ? error.message : String(error)}`,
				{ refused: true, details },
			);
			if (!json) for (const d of details) process.stderr.write(`${d}\n`);
		});
	});

	if (options.schedule) {
		try {
			putInForce(await options.schedule(profiles.map((p) => p.name)));
		} catch (error) {
			if (!(error instanceof ProfileError)) throw error;
			for (const line of error.lines) process.stderr.write(`${line}\n`);
			await controller.close();
			detach?.();
			await options.afterStop?.();
			return 1;
		}
	}
	if (!stopAsked()) await orchestrator.start(profiles);
	started = true;
	let web: HttpServer | undefined;
	try {
		web = await serving;
		if (web && !options.banner) say('http', `dashboard: ${web.url}`, { url: web.url });
	} catch (error) {
		if (!(error instanceof JdcastError) || !error.code.startsWith('E_HTTP_')) throw error;
		// Asked for and not there: no one would see what goes on. Stop, and say why.
		say('stopping', `${error.message}; stopping`, { code: error.code });
		exitCode = error.code === 'E_HTTP_TOKEN' ? 2 : 1;
		requestStop();
	}
	stopIfAllFailed();
	if (options.banner && !stopAsked()) process.stderr.write(options.banner(orchestrator, web?.url));
	const unwatchOwner =
		options.exitWith === undefined
			? undefined
			: watchOwner(options.exitWith, () => {
					say('stopping', `process ${options.exitWith!.pid} that started this jdcast has exited; stopping`, {
						owner: options.exitWith!.pid,
					});
					requestStop();
				});
	const follower =
		options.nowPlayingFile === undefined ? undefined : followNowPlaying(orchestrator, options.nowPlayingFile, say);
	const closeView = json || stopAsked() ? undefined : await showLiveView(orchestrator);
	await untilStopAsked();
	const neverOnAir = options.seconds !== undefined && !everOnAir && exitCode === 0 ? nothingOnAir(orchestrator) : '';
	unwatchOwner?.();
	follower?.close();
	await orchestrator.stop();
	closeView?.();
	detach?.();
	await web?.close();
	await controller.close();
	await options.afterStop?.();
	if (neverOnAir) {
		process.stderr.write(`jdcast: ${neverOnAir}\n`);
		return 1;
	}
	return exitCode;
}

/** One sentence: nothing went on air during the run, and the first reason an output gives. */
function nothingOnAir(orchestrator: Orchestrator): string {
	const outputs = orchestrator.status().profiles.flatMap((p) => p.outputs);
	const failing = outputs.filter((o) => o.lastError !== null);
	const first = failing[0] ?? outputs[0];
	const why = first
		? `; ${first.mount} on ${first.server} was ${first.state}${first.lastError ? `: ${first.lastError}` : ''}`
		: '';
	const more = failing.length > 1 ? ` (and ${failing.length - 1} more with errors)` : '';
	return `nothing was on air at any moment of this run${why}${more}`;
}

/**
 * Every running profile gets the track the player's file names (cleared when the file goes
 * away), and a profile that starts later gets the current one.
 */
function followNowPlaying(
	orchestrator: Orchestrator,
	file: string,
	say: (event: string, text: string, payload?: object) => void,
) {
	let current: Metadata = {};
	// Profiles that have the current track: one that (re)starts gets it once, not at every encoder restart.
	const given = new Set<string>();
	const apply = (name: string) => {
		given.add(name);
		orchestrator.setMetadata(name, current).catch(() => given.delete(name));
	};
	const onProfile = ({ profile, state }: { profile: string; state: string }) => {
		if (state === 'stopped') given.delete(profile);
		else if (state === 'running' && !given.has(profile) && Object.keys(current).length > 0) apply(profile);
	};
	orchestrator.on('profile', onProfile);
	const follower = followNowPlayingFile(
		file,
		(metadata) => {
			current = metadata ?? {};
			given.clear();
			const line = songLine(current);
			say(
				'now-playing',
				metadata === null
					? `now playing cleared (${file} is gone)`
					: `now playing (from ${file}): ${line || 'a track without title or artist'}`,
				{ file, metadata },
			);
			for (const name of orchestrator.runningProfileNames) apply(name);
		},
		(problem) => say('now-playing', `cannot follow the now-playing file: ${problem}`, { file, refused: true }),
	);
	return {
		close() {
			follower.close();
			orchestrator.off('profile', onProfile);
		},
	};
}
