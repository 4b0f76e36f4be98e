import { JdcastError } from '../errors/index.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { targetKey } from '../profile/cross-check.js';
import type { HandoverResult } from '../status/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { waitFor } from '../util/wait.js';

/** How long the incoming profile may take to have audio to send (a fresh ffmpeg's first pages). */
const READY_TIMEOUT_MS = 10_000;
/** Below this every channel is silence, when the incoming profile has no `silence:` threshold. */
const DEFAULT_SILENCE_DB = -50;

export interface HandoverOptions {
	/** Hand over even when the incoming input is silent. */
	force?: boolean;
	/** TO was started for this handover: its sound is waited for a moment before it counts as silent. */
	justStarted?: boolean;
}

/** How long a DJ started for a handover may take to be heard (its JACK connections made) before it is silent. */
const JUST_STARTED_SOUND_MS = 4000;

/** TO must be writing within this of taking a connection; else the mount is given up. */
const ADOPT_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>(
		(_, reject) => (timer = setTimeout(() => reject(new Error(`nothing written within ${ms / 1000} s`)), ms)),
	);
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Pairs of outputs, FROM's and TO's, that feed the same shared mount of the same server. */
function sharedPairs(from: Supervisor, to: Supervisor): [IcecastOutput, IcecastOutput][] {
	const theirs = new Map(to.icecastOutputs.filter((o) => o.shared).map((o) => [targetKey(o.server, o.mount), o]));
	return from.icecastOutputs
		.filter((o) => o.shared)
		.flatMap((o) => {
			const other = theirs.get(targetKey(o.server, o.mount));
			return other ? [[o, other] as [IcecastOutput, IcecastOutput]] : [];
		});
}

/**
 * Hands every mount FROM and TO share from FROM to TO, inside one process: FROM's live
 * connection itself goes over, so listeners stay connected (Ogg: FROM's stream ends, TO's
 * begins as the next link of the chain; MP3: TO's frames follow FROM's). FROM's other outputs
 * and its recordings keep running. Refuses when TO's input is silent, unless forced.
 */
export async function handOver(
	from: Supervisor,
	to: Supervisor,
	options: HandoverOptions = {},
	/** Runs the moment the connections move (the MountBroker reports where it ends, not the passing state). */
	moving: <T>(move: () => Promise<T>) => Promise<T> = (move) => move(),
): Promise<HandoverResult> {
	const pairs = sharedPairs(from, to);
	if (pairs.length === 0)
		throw new JdcastError(
			'E_HANDOVER_NOTHING_SHARED',
			`${from.name} and ${to.name} share no mount: mark the same mount \`shared: true\` in both profiles`,
		);
	const broken = pairs.find(([, o]) => o.state === 'failed');
	if (broken)
		throw new JdcastError(
			'E_HANDOVER_NOT_READY',
			`${to.name} cannot take ${broken[1].mount}: ${broken[1].lastError ?? 'its output failed'}; nothing was handed over`,
		);
	// TO must have audio to send before FROM lets go: a fresh ffmpeg needs a moment for its first
	// pages (and its level reading, unless forced: the silence check needs it).
	await waitFor(() => pairs.every(([, o]) => o.hasAudio) && (options.force || to.status().audio !== null), {
		timeoutMs: READY_TIMEOUT_MS,
		what: `${to.name}'s audio`,
	}).catch(() => {
		throw new JdcastError(
			'E_HANDOVER_NOT_READY',
			`${to.name} has no audio to send after ${READY_TIMEOUT_MS / 1000} s; nothing was handed over`,
		);
	});
	if (!options.force) {
		const threshold = to.profile.silence ? to.profile.silence.threshold : DEFAULT_SILENCE_DB;
		const silent = () => (to.status().audio?.rmsDb ?? []).every((db) => db === null || db < threshold);
		// A DJ started for this handover is heard a moment after its ffmpeg starts: its JACK connections are made
		// once its client is there, so its first readings are silence whatever its deck plays.
		if (silent() && options.justStarted)
			await waitFor(() => !silent(), { timeoutMs: JUST_STARTED_SOUND_MS, what: `${to.name}'s sound` }).catch(() => {});
		if (silent()) {
			throw new JdcastError(
				'E_HANDOVER_SILENT',
				`${to.name}'s input is silent (every channel below ${threshold} dBFS): connect its sound, or force the handover`,
			);
		}
	}
	const mounts = await moving(() =>
		Promise.all(
			pairs.map(async ([out, into]) => {
				const held = out.handOff();
				if (!held) {
					// FROM was not on air there: TO takes the mount as soon as it is free, as any waiting DJ does.
					into.resume();
					return { server: into.server.name, mount: into.mount, gapMs: null };
				}
				try {
					const firstWriteAt = await withTimeout(into.adopt(held.connection), ADOPT_TIMEOUT_MS);
					return { server: into.server.name, mount: into.mount, gapMs: Math.max(0, firstWriteAt - held.lastWriteAt) };
				} catch (error) {
					// Nobody feeds it now: close it, so that Icecast's fallback takes the listeners at once.
					held.connection.close();
					throw new JdcastError(
						'E_HANDOVER_FAILED',
						`${into.mount} on ${into.server.name} could not go over to ${to.name} (${(error as Error).message}); its listeners went to the fallback`,
					);
				}
			}),
		),
	);
	return { from: from.name, to: to.name, mounts };
}
