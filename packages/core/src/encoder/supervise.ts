import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'eventemitter3';
import { AbortError } from 'p-retry';
import type { Tap } from '../fanout/tap.js';
import type { Routing } from '../jack/routing.js';
import type { EncodePlan } from '../plan/plan.js';
import type { AudioWatch } from '../signal/audio-watch.js';
import { backoffDelay } from '../util/backoff.js';
import { retryForever } from '../util/retry.js';
import { type RunningEncoder, startEncoder } from './ffmpeg.js';

const ENCODER_RETRY = { firstMs: 250, capMs: 3000 };
/** An encoder that ran this long before exiting starts its backoff afresh. */
const STABLE_RUN_MS = 10_000;
/**
 * An encoder that fails this often in a row without producing audio is given up (the profile
 * fails with ffmpeg's reason), unless the cause is a JACK server that is not there: that is
 * waited for.
 */
const MAX_QUICK_FAILURES = 5;
/** A running encoder whose pipes deliver nothing for this long is stalled: killed and restarted. */
const STALL_MS = 3000;
/** A new encoder gets this long for its first bytes (a loaded machine starts ffmpeg slowly). */
const FIRST_BYTES_MS = 10_000;
const JACK_ABSENT = /JACK server (not running|went away)/;
/** Signals a person or another program sends to end a process. */
const OUTSIDE_SIGNALS = new Set(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT']);

/** Whoever writes the input's PCM to each new ffmpeg's stdin (the harbor's pump). */
export interface PcmInput {
	attach(stdin: Writable): void;
}

export interface EncoderLoopEvents {
	/** A new ffmpeg runs. */
	started: [pid: number];
	/** Its first bytes came: the profile is running. */
	audio: [];
	/** The running ffmpeg ended (not asked to): no audio until the next one. */
	ended: [];
	/** It exited unexpectedly; it is restarted after a backoff. */
	restarting: [reason: string];
	/** It failed too often without producing audio: given up for good. */
	failed: [message: string, code: string];
	log: [level: 'info' | 'warning' | 'error', message: string];
}

class EncoderExit extends Error {
	constructor(
		readonly reason: string,
		readonly producedAudio: boolean,
		readonly ranMs: number,
	) {
		super(reason);
	}
}

/**
 * One profile's ffmpeg, kept running: started, its pipes fed to the taps and its PCM to the
 * meter, watched for stalls, and run again after every unexpected exit with backoff (waiting for
 * the JACK server, should that be what is gone).
 */
export class EncoderLoop extends EventEmitter<EncoderLoopEvents> {
	private encoder: RunningEncoder | undefined;
	private restartCount = 0;
	private xrunCount = 0;
	private loop: Promise<void> | undefined;
	private gaveUp = false;

	constructor(
		private readonly plan: EncodePlan,
		private readonly taps: ReadonlyMap<number, Tap>,
		private readonly audio: AudioWatch,
		private readonly routing: Routing | undefined,
		private readonly signal: AbortSignal,
		private readonly input?: PcmInput,
	) {
		super();
	}

	get pid(): number | null {
		return this.encoder?.pid ?? null;
	}

	get restarts(): number {
		return this.restartCount;
	}

	/** Audio lost before encoding (ffmpeg's JACK input overran). */
	get xruns(): number {
		return this.xrunCount;
	}

	/** Whether the loop runs (started and not stopped). */
	get running(): boolean {
		return this.loop !== undefined;
	}

	start(): void {
		this.loop ??= this.supervise();
	}

	/** Ends ffmpeg (its last pages still reach the taps) and the loop. */
	async stop(): Promise<void> {
		await this.encoder?.stop();
		await this.loop?.catch(() => {});
		this.loop = undefined;
	}

	private async supervise(): Promise<void> {
		const signal = this.signal;
		let quickFailures = 0;
		let streak = 0;
		await retryForever(() => this.runOnce(), {
			signal,
			onFailedAttempt: async (error) => {
				if (signal.aborted) return;
				const exit = error instanceof EncoderExit ? error : new EncoderExit(error.message, false, 0);
				this.restartCount++;
				streak = exit.ranMs > STABLE_RUN_MS ? 1 : streak + 1;
				quickFailures = exit.producedAudio || JACK_ABSENT.test(exit.reason) ? 0 : quickFailures + 1;
				if (quickFailures >= MAX_QUICK_FAILURES) {
					this.gaveUp = true;
					this.emit(
						'failed',
						`ffmpeg failed ${quickFailures} times in a row without producing audio: ${exit.reason}`,
						'E_ENCODER_FAILED',
					);
					throw new AbortError(exit.reason);
				}
				this.emit('restarting', exit.reason);
				await sleep(backoffDelay(streak + 1, ENCODER_RETRY), undefined, { signal }).catch(() => {});
				await this.routing?.untilServerRuns(signal);
			},
		}).catch((error: unknown) => {
			if (!signal.aborted && !this.gaveUp)
				this.emit('log', 'error', error instanceof Error ? error.message : String(error));
		});
	}

	private async runOnce(): Promise<void> {
		const started = performance.now();
		let producedAudio = false;
		const encoder = startEncoder(this.plan, (line) => this.said(line));
		this.encoder = encoder;
		this.emit('started', encoder.pid);
		if (encoder.stdin) this.input?.attach(encoder.stdin);
		const lastBytes = new Map<number, number>();
		try {
			for (const [fd, pipe] of encoder.pipes) {
				const tap = this.taps.get(fd)!;
				tap.restart();
				lastBytes.set(fd, started);
				pipe.on('data', (chunk: Buffer) => {
					lastBytes.set(fd, performance.now());
					tap.push(chunk);
					if (!producedAudio) {
						producedAudio = true;
						this.emit('audio');
					}
				});
			}
			if (encoder.meter) this.audio.attach(encoder.meter);
			if (encoder.inputMeter) this.audio.attachInput(encoder.inputMeter);
		} catch (error) {
			// An ffmpeg nobody reads must not run on beside the next one.
			encoder.kill();
			throw error;
		}
		let stalled: string | undefined;
		const watchdog = setInterval(() => {
			stalled ??= this.stallOf(encoder, lastBytes, producedAudio);
		}, 250);
		this.routing?.clientStarting(() => this.encoder !== encoder || this.signal.aborted);
		const exit = await encoder.exited;
		// Listeners hear nothing from this moment: said before the cause is looked into (that may ask JACK).
		if (!this.signal.aborted) this.emit('ended');
		this.routing?.clientEnded();
		clearInterval(watchdog);
		await Promise.all(
			[...encoder.pipes.values()].map((p) => (p.readableEnded ? undefined : new Promise((r) => p.once('close', r)))),
		);
		if (this.encoder === encoder) this.encoder = undefined;
		if (this.signal.aborted) return;
		throw new EncoderExit(stalled ?? (await this.causeOf(exit)), producedAudio, performance.now() - started);
	}

	/**
	 * Why ffmpeg ended, checked where it can be: a signal from outside jdcast is said as such (jdcast's own
	 * kills are a stop or a stall, said elsewhere), and "the JACK server went away" only when the server
	 * does not answer now (a killed ffmpeg under PipeWire leaves lines that look like it).
	 */
	private async causeOf(exit: { code: number | null; signal: string | null; reason: string }): Promise<string> {
		// A stop or kill signal jdcast did not send (its own kills are a stop or a stall): said as such. A crash (SIGSEGV,
		// SIGABRT) or a start that failed keeps what ffmpeg or the start said.
		if (exit.code === null && exit.signal !== null && OUTSIDE_SIGNALS.has(exit.signal))
			return `ffmpeg was ended by ${exit.signal} from outside jdcast`;
		if (exit.code === null) return exit.signal ? `${exit.reason} (${exit.signal})` : exit.reason;
		if (!this.routing || !JACK_ABSENT.test(exit.reason)) return exit.reason;
		await this.routing.refresh();
		return this.routing.serverRunning
			? `ffmpeg exited (code ${exit.code}) while the JACK server still runs: ${exit.reason.replace(/^JACK server .*$/, 'its JACK input failed')}`
			: exit.reason;
	}

	/**
	 * Every pipe of a running encoder must deliver: one that has been quiet for STALL_MS (a
	 * stopped or hung ffmpeg: listeners hear nothing) gets the encoder killed and restarted (the
	 * restart waits for the JACK server, should that be what is gone). Returns the reason once it did.
	 */
	private stallOf(encoder: RunningEncoder, lastBytes: Map<number, number>, flowing: boolean): string | undefined {
		if (this.encoder !== encoder || this.signal.aborted) return undefined;
		const quietMs = performance.now() - Math.min(...lastBytes.values());
		if (quietMs < (flowing ? STALL_MS : FIRST_BYTES_MS)) return undefined;
		const cause = this.routing && !this.routing.serverRunning ? ' (the JACK server is not answering)' : '';
		const reason = `ffmpeg stalled: no audio for ${(quietMs / 1000).toFixed(1)} s${cause}`;
		this.emit('log', 'warning', `${reason}; killed (pid ${encoder.pid}) and restarted`);
		encoder.kill();
		return reason;
	}

	/** One line of ffmpeg's stderr: an xrun is audio lost before encoding, never invisible. */
	private said(line: string): void {
		// What ffmpeg says while we stop it, or about a channel layout it rightly guessed (or that the
		// tone's pan filter sets anew), is noise.
		if (this.signal.aborted || line.includes('Guessed Channel Layout') || line.includes('ignoring layout')) return;
		if (/xrun/i.test(line)) {
			this.xrunCount++;
			this.emit('log', 'warning', `audio lost before encoding (JACK xrun, ${this.xrunCount} so far): ${line}`);
			return;
		}
		this.emit('log', 'warning', `ffmpeg: ${line}`);
	}
}
