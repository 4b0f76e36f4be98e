import type { Readable, Writable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import type { EncodePlan } from '../plan/plan.js';
import { childEnvironment } from '../util/child-env.js';
import { dieWithParent, terminate } from '../util/process.js';

export interface EncoderExit {
	code: number | null;
	signal: string | null;
	/** ffmpeg's last words, for the user: the reason it stopped, in its own terms. */
	reason: string;
}

export interface RunningEncoder {
	pid: number;
	/** The readable end of each encoder's pipe, by fd. */
	pipes: Map<number, Readable>;
	/** The PCM copy for the level meter. */
	meter: Readable | undefined;
	/** The harbor input's PCM goes here (ffmpeg's stdin); undefined for every other input. */
	stdin: Writable | undefined;
	/** With loudness control: the input's PCM copy before it. Must be read, like every pipe, or ffmpeg blocks. */
	inputMeter: Readable | undefined;
	exited: Promise<EncoderExit>;
	/** Ends ffmpeg cleanly (SIGTERM lets it close its Ogg streams), SIGKILL after a grace period. */
	stop(): Promise<void>;
	/** Ends it at once (SIGKILL): a stalled or stopped ffmpeg does not answer SIGTERM. */
	kill(): void;
}

/**
 * Starts the planned ffmpeg. Its encoders write to pipes 3, 4, ...: nothing but audio bytes
 * leaves the process, and no password or server address is in its argv. If jdcast dies, ffmpeg's
 * next write fails and it exits, so no orphan is left behind.
 */
export function startEncoder(plan: EncodePlan, onLog: (line: string) => void): RunningEncoder {
	// KILL, not TERM: an ffmpeg waiting on a JACK server that is gone does not wake for SIGTERM.
	const [file, args] = dieWithParent(plan.argv[0]!, plan.argv.slice(1), { signal: 'KILL' });
	const maxFd = plan.inputMeterFd ?? plan.meterFd;
	const extra: 'pipe'[] = [];
	for (let fd = 3; fd <= maxFd; fd++) extra.push('pipe');
	// The harbor's PCM comes on stdin; no other input reads it.
	const stdio = [plan.input === 'harbor' ? 'pipe' : 'ignore', 'ignore', 'pipe', ...extra] as const;
	let child: ResultPromise;
	try {
		child = execa(file, args, {
			stdio,
			// ffmpeg needs no password and none of jdcast's other variables: only the basics and JACK's.
			env: childEnvironment(plan.env),
			extendEnv: false,
			// Its own process group: a terminal's Ctrl-C reaches jdcast alone, which then stops ffmpeg
			// first, so that its last pages still reach every output and recording.
			detached: true,
			buffer: false,
			reject: false,
			stripFinalNewline: false,
			// SIGTERM lets it close its Ogg streams; one that has not ended by then gets SIGKILL.
			forceKillAfterDelay: 3000,
		});
	} catch (error) {
		// Out of file descriptors, say: no process, and the supervisor tries again after its wait.
		const reason = `cannot start ffmpeg: ${error instanceof Error ? error.message : String(error)}`;
		return {
			pid: 0,
			pipes: new Map(),
			meter: undefined,
			stdin: undefined,
			inputMeter: undefined,
			exited: Promise.resolve({ code: null, signal: null, reason }),
			stop: async () => {},
			kill: () => {},
		};
	}
	child.catch(() => {});

	const lastLines: string[] = [];
	let partial = '';
	child.stderr?.setEncoding('utf8');
	child.stderr?.on('data', (text: string) => {
		const lines = (partial + text).split(/\r?\n/);
		partial = lines.pop() ?? '';
		for (const line of lines) {
			if (!line.trim()) continue;
			lastLines.push(line);
			if (lastLines.length > 8) lastLines.shift();
			onLog(line);
		}
	});

	const pipes = new Map<number, Readable>();
	for (const e of plan.encoders) {
		const pipe = child.stdio[e.fd] as Readable | undefined;
		if (pipe) pipes.set(e.fd, pipe);
	}

	const exited = child.then((result) => ({
		code: typeof result.exitCode === 'number' ? result.exitCode : null,
		signal: result.signal ?? null,
		reason: explain(lastLines, plan.input === 'jack'),
	}));

	const meter = child.stdio[plan.meterFd] as Readable | undefined;
	const inputMeter = plan.inputMeterFd === null ? undefined : (child.stdio[plan.inputMeterFd] as Readable | undefined);
	return {
		pid: child.pid ?? 0,
		pipes,
		meter,
		stdin: child.stdin ?? undefined,
		inputMeter,
		exited,
		stop: () => terminate(child, 'SIGTERM'),
		kill: () => void child.kill('SIGKILL'),
	};
}

/** ffmpeg's last lines, turned into the cause a person can act on. */
function explain(lines: string[], jack: boolean): string {
	const text = lines.join('\n');
	if (
		/Unable to register as a JACK client|jack_client_open\(\) failed|cannot connect to JACK|server is not running/i.test(
			text,
		)
	) {
		return 'JACK server not running or not reachable';
	}
	// ffmpeg's JACK input reads EIO when the server shuts down under it.
	if (/JACK server shutdown|jack.*shut ?down|zombified/i.test(text) || (jack && /Input\/output error/.test(text)))
		return 'JACK server went away';
	if (/No such file or directory/.test(text))
		return lines.find((l) => /No such file/.test(l)) ?? 'input file not found';
	if (/Broken pipe/.test(text)) return 'output pipe closed';
	return lines[lines.length - 1]?.replace(/^\[[^\]]+\]\s*/, '') ?? 'ffmpeg exited';
}
