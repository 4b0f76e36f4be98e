import type { Writable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import { type Clock, realClock } from '../util/clock.js';

/** How often PCM is written: ffmpeg gets it in steps this long. */
const TICK_MS = 20;
/** A DJ's audio is held this long before it goes out, so that the network's jitter makes no gaps. */
const PREROLL_MS = 250;
/**
 * Each time their audio runs out the pre-roll doubles, up to this: a DJ whose software sends a
 * second of audio at a time (ffmpeg's Ogg pages by default) is then played without gaps.
 */
const MAX_PREROLL_MS = 2000;
/** More than this held back stops reading the DJ (their software then waits, as with a slow server). */
const MAX_HELD_MS = 3000;
/** After a pause of the event loop (or a new ffmpeg) no more than this is written at once. */
const MAX_CATCH_UP_MS = 200;
/** ffmpeg not reading this much: it is stuck (its loop kills it); the steps are not kept for it. */
const MAX_UNREAD_MS = 1000;
const BYTES_PER_SAMPLE = 4;

export interface PcmPumpEvents {
	/** A DJ's audio goes out from now on (after its pre-roll): the moment listeners can hear them; again after running dry. */
	playing: [];
	/** The DJ's audio ran out while they are connected: silence goes out until enough has come again. */
	dry: [];
	/** Everything of the DJ who left has gone out. */
	drained: [];
}

/**
 * The harbor's clock: writes the input's PCM to ffmpeg in real time, the DJ's audio when there is
 * a DJ and it has come, silence otherwise. ffmpeg thus always runs at the same pace, whoever sends
 * and however unevenly their packets arrive, and a DJ who comes or goes never restarts it.
 */
export class PcmPump extends EventEmitter<PcmPumpEvents> {
	readonly #frameBytes: number;
	readonly #clock: Clock;
	#stdin: Writable | undefined;
	#timer: NodeJS.Timeout | undefined;
	/** Monotonic ms at which `#written` frames began. */
	#t0 = 0;
	#written = 0;
	#queue: Buffer[] = [];
	#queued = 0;
	#state: 'idle' | 'buffering' | 'playing' | 'leaving' = 'idle';
	#preroll = PREROLL_MS;
	/** The DJ's audio has gone out (at least once since `begin`). */
	#played = false;
	#resume: (() => void) | undefined;
	/** Monotonic ms of the DJ's last audio that came. */
	lastAudioAt = 0;

	constructor(
		private readonly rate: number,
		channels: number,
		clock: Clock = realClock,
	) {
		super();
		this.#frameBytes = channels * BYTES_PER_SAMPLE;
		this.#clock = clock;
	}

	/** A new ffmpeg reads from `stdin`: PCM goes there from now on, paced afresh. */
	attach(stdin: Writable): void {
		stdin.on('error', () => {});
		this.#stdin = stdin;
		this.#t0 = this.#clock.monotonic();
		this.#written = 0;
		this.#timer ??= this.#clock.setInterval(() => this.#tick(), TICK_MS);
		this.#tick();
	}

	stop(): void {
		this.#clock.clearInterval(this.#timer);
		this.#timer = undefined;
		this.#stdin = undefined;
		this.#clear();
	}

	/** Whether a DJ is on: their audio goes out now, or went out and more is awaited after running dry. */
	get playing(): boolean {
		return this.#state === 'playing' || this.#state === 'leaving' || (this.#state === 'buffering' && this.#played);
	}

	/** Milliseconds of the DJ's audio held back, not yet written. */
	get heldMs(): number {
		return (this.#queued / this.#frameBytes / this.rate) * 1000;
	}

	/** A DJ begins (a new one replaces whoever was before, and what of theirs was held back). */
	begin(): void {
		this.#clear();
		this.#state = 'buffering';
		this.#preroll = PREROLL_MS;
		this.#played = false;
	}

	/**
	 * The DJ's decoded audio. Returns false when enough is held back: the caller waits for `resume`
	 * before giving more (that stops reading the DJ's connection, so that they slow down, not skip).
	 */
	push(pcm: Buffer, resume: () => void): boolean {
		if (this.#state === 'idle' || this.#state === 'leaving') return true;
		this.#queue.push(pcm);
		this.#queued += pcm.length;
		this.lastAudioAt = this.#clock.monotonic();
		if (this.heldMs < MAX_HELD_MS) return true;
		this.#resume = resume;
		return false;
	}

	/** The DJ left: what of theirs is held back still goes out, then `drained`. */
	end(): void {
		if (this.#state === 'idle' || this.#state === 'leaving') return;
		// Never heard, or nothing held: nothing more of theirs goes out. A DJ heard before, waiting for
		// more after running dry, has what came last played out.
		if ((this.#state === 'buffering' && !this.#played) || this.#queued === 0) {
			this.#clear();
			this.emit('drained');
			return;
		}
		this.#state = 'leaving';
	}

	#tick(): void {
		const stdin = this.#stdin;
		if (!stdin || stdin.destroyed) return;
		const now = this.#clock.monotonic();
		let frames = Math.floor(((now - this.#t0) * this.rate) / 1000) - this.#written;
		const cap = (MAX_CATCH_UP_MS * this.rate) / 1000;
		if (frames > cap) {
			// The event loop or ffmpeg was away: the time is not made up with a burst, it is let go.
			this.#written += frames - cap;
			frames = cap;
		}
		if (frames <= 0) return;
		this.#written += frames;
		if (stdin.writableLength > (MAX_UNREAD_MS * this.rate * this.#frameBytes) / 1000) return;
		stdin.write(this.#take(frames));
	}

	/** `frames` of PCM: the DJ's when they play, silence for what is missing. */
	#take(frames: number): Buffer {
		const bytes = frames * this.#frameBytes;
		if (this.#state === 'buffering' && this.heldMs >= this.#preroll) {
			this.#state = 'playing';
			this.#played = true;
			this.emit('playing');
		}
		if (this.#state !== 'playing' && this.#state !== 'leaving') return Buffer.alloc(bytes);
		const out = Buffer.alloc(bytes);
		let at = 0;
		const whole = Math.floor(Math.min(this.#queued, bytes) / this.#frameBytes) * this.#frameBytes;
		while (at < whole) {
			const head = this.#queue[0]!;
			const n = Math.min(head.length, whole - at);
			head.copy(out, at, 0, n);
			at += n;
			if (n === head.length) this.#queue.shift();
			else this.#queue[0] = head.subarray(n);
		}
		this.#queued -= whole;
		if (this.#resume && this.heldMs < MAX_HELD_MS / 2) {
			const resume = this.#resume;
			this.#resume = undefined;
			resume();
		}
		if (at < bytes) {
			if (this.#state === 'leaving') {
				this.#clear();
				this.emit('drained');
			} else {
				this.#state = 'buffering';
				this.#preroll = Math.min(MAX_PREROLL_MS, this.#preroll * 2);
				this.emit('dry');
			}
		}
		return out;
	}

	#clear(): void {
		this.#queue = [];
		this.#queued = 0;
		this.#state = 'idle';
		const resume = this.#resume;
		this.#resume = undefined;
		resume?.();
	}
}
