import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { TestContext } from 'node:test';
import { execa } from 'execa';

const RATE = 48_000;
const WINDOW = 4800; // 100 ms: 240 Hz and 720 Hz fall on whole cycles
/** A tone is heard above this amplitude (0..1) and absent below ABSENT: jack_simple_client plays at 0.2. */
const PRESENT = 0.03;
const ABSENT = 0.005;

/** The amplitude (0..1) of each watched frequency, per channel, over the last 100 ms. */
export type ToneLevels = { left: Record<number, number>; right: Record<number, number> };

export interface ToneListener {
	/** Resolves once `test` holds for half a second of what the listener decodes; fails after `timeoutMs`. */
	until(what: string, test: (levels: ToneLevels) => boolean, timeoutMs?: number): Promise<void>;
	/** Lines the decoder printed at level error: a listener's player would have stumbled there. */
	readonly decodeErrors: string[];
	readonly windows: number;
}

export const heard = (levels: Record<number, number>, hz: number): boolean => (levels[hz] ?? 0) > PRESENT;
export const absent = (levels: Record<number, number>, hz: number): boolean => (levels[hz] ?? 0) < ABSENT;

/**
 * A listener on a mount (or a recording's file), decoding as a player does (ffmpeg through a pipe,
 * which follows an Ogg chain's next link at a handover as players do; ffmpeg reading the URL
 * itself stops there; timestamps from the sample count, since each link starts its own clock),
 * 48 kHz stereo, and
 * telling, every 100 ms, how loud each of `frequencies` is in each channel (Goertzel): two peers
 * playing different tones are told apart in the mix. Stopped after the test.
 */
export function listenForTones(t: TestContext, source: string, frequencies: number[]): ToneListener {
	const child = execa(
		'ffmpeg',
		['-v', 'error', '-i', 'pipe:0', '-af', 'asetpts=N/SR/TB', '-f', 's16le', '-ac', '2', '-ar', String(RATE), 'pipe:1'],
		{
			reject: false,
			buffer: false,
		},
	);
	child.stdin!.on('error', () => {});
	if (/^https?:/.test(source)) {
		const request = http.get(source, (response) => response.pipe(child.stdin!));
		request.on('error', () => child.stdin!.end());
		t.after(() => request.destroy());
	} else createReadStream(source).pipe(child.stdin!);
	t.after(() => child.kill('SIGKILL'));
	const decodeErrors: string[] = [];
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (text: string) => decodeErrors.push(...text.split('\n').filter((l) => l.trim())));
	const waiters = new Set<(levels: ToneLevels) => void>();
	let windows = 0;
	let last: ToneLevels | undefined;
	let pending = Buffer.alloc(0);
	child.stdout!.on('data', (chunk: Buffer) => {
		pending = Buffer.concat([pending, chunk]);
		const frameBytes = WINDOW * 4;
		while (pending.length >= frameBytes) {
			const frame = pending.subarray(0, frameBytes);
			pending = pending.subarray(frameBytes);
			const levels: ToneLevels = { left: {}, right: {} };
			for (const hz of frequencies) {
				levels.left[hz] = goertzel(frame, 0, hz);
				levels.right[hz] = goertzel(frame, 1, hz);
			}
			windows++;
			last = levels;
			for (const waiter of waiters) waiter(levels);
		}
	});
	return {
		decodeErrors,
		get windows() {
			return windows;
		},
		until: (what, test, timeoutMs = 30_000) =>
			new Promise<void>((resolve, reject) => {
				let run = 0;
				const timer = setTimeout(() => {
					waiters.delete(check);
					const said = (side: Record<number, number>) =>
						Object.entries(side)
							.map(([hz, amplitude]) => `${hz} Hz ${amplitude.toFixed(3)}`)
							.join(', ');
					const heardLast = last
						? `; last heard: left ${said(last.left)}; right ${said(last.right)}`
						: '; nothing decoded';
					reject(
						new Error(
							`a listener did not hear ${what} within ${timeoutMs / 1000} s (${windows} windows decoded)${heardLast}`,
						),
					);
				}, timeoutMs);
				const check = (levels: ToneLevels) => {
					run = test(levels) ? run + 1 : 0;
					if (run < 5) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve();
				};
				waiters.add(check);
			}),
	};
}

/** The amplitude of one frequency in one channel of interleaved s16le stereo. */
function goertzel(frame: Buffer, channel: number, hz: number): number {
	const k = (2 * Math.PI * hz) / RATE;
	const coefficient = 2 * Math.cos(k);
	let s1 = 0;
	let s2 = 0;
	for (let i = 0; i < WINDOW; i++) {
		const x = frame.readInt16LE((i * 2 + channel) * 2) / 32768;
		const s0 = x + coefficient * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
	return (2 * Math.sqrt(Math.max(0, power))) / WINDOW;
}
