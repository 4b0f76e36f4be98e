import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { execa } from 'execa';
import { OggSeconds } from './ogg.js';

/** Listens to a mount like a player would, for `seconds`, saving the bytes to a file; `ca` for an https URL. */
export function capture(
	url: string,
	seconds: number,
	file: string,
	options: { ca?: string } = {},
): Promise<{ file: string; bytes: number }> {
	return new Promise((resolve, reject) => {
		const out = createWriteStream(file);
		let bytes = 0;
		const get = url.startsWith('https:')
			? (u: string, cb: (r: http.IncomingMessage) => void) =>
					https.get(u, { ...(options.ca ? { ca: options.ca } : {}) }, cb)
			: http.get;
		const request = get(url, (response) => {
			if (response.statusCode !== 200) {
				reject(new Error(`${url} answered ${response.statusCode}`));
				response.resume();
				return;
			}
			response.on('data', (chunk: Buffer) => {
				bytes += chunk.length;
				out.write(chunk);
			});
			setTimeout(() => {
				request.destroy();
				out.end(() => resolve({ file, bytes }));
			}, seconds * 1000);
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'ECONNRESET') reject(error);
		});
	});
}

/**
 * A listener that stays until told to go: `more(n)` waits for n more bytes, `moreSeconds(s)` for s
 * more seconds of audio (Ogg streams, by their granule positions), `stop()` ends it.
 */
export interface OpenCapture {
	readonly bytes: number;
	/** Seconds of audio received so far, by the stream's own clock (Ogg streams only). */
	readonly seconds: number;
	/** Ogg links begun so far (a new one at each title change of an Ogg stream). */
	readonly links: number;
	more(bytes: number, timeoutMs?: number): Promise<void>;
	moreSeconds(seconds: number, timeoutMs?: number): Promise<void>;
	/** Waits until `reached()` holds, looked at as each chunk arrives. */
	until(reached: () => boolean, what: string, timeoutMs?: number): Promise<void>;
	stop(): Promise<{ file: string; bytes: number }>;
}

/**
 * Listens to a mount like a player would, until `stop` (at most `maxSeconds`): a test steps through a
 * scenario and waits for audio to be heard after each step instead of sleeping a fixed time.
 */
export function openCapture(url: string, file: string, maxSeconds = 120): Promise<OpenCapture> {
	return new Promise((resolve, reject) => {
		const out = createWriteStream(file);
		let bytes = 0;
		const clock = new OggSeconds();
		const waiters = new Set<() => void>();
		let ended: Promise<{ file: string; bytes: number }> | undefined;
		/** Resolves once `reached()` holds, checked at each chunk heard. */
		const until = (reached: () => boolean, failure: string, timeoutMs: number) =>
			new Promise<void>((done, fail) => {
				const timer = setTimeout(() => {
					waiters.delete(check);
					fail(new Error(`${url}: ${failure} within ${timeoutMs / 1000} s`));
				}, timeoutMs);
				const check = () => {
					if (!reached()) return;
					clearTimeout(timer);
					waiters.delete(check);
					done();
				};
				waiters.add(check);
				check();
			});
		const request = http.get(url, (response) => {
			if (response.statusCode !== 200) {
				reject(new Error(`${url} answered ${response.statusCode}`));
				response.resume();
				return;
			}
			const stop = () =>
				(ended ??= new Promise((done) => {
					clearTimeout(limit);
					request.destroy();
					out.end(() => done({ file, bytes }));
				}));
			const limit = setTimeout(() => void stop(), maxSeconds * 1000);
			limit.unref();
			response.on('data', (chunk: Buffer) => {
				bytes += chunk.length;
				clock.feed(chunk);
				out.write(chunk);
				for (const wake of waiters) wake();
			});
			resolve({
				get bytes() {
					return bytes;
				},
				get seconds() {
					return clock.seconds;
				},
				get links() {
					return clock.links;
				},
				more: (n, timeoutMs = 20_000) => {
					const goal = bytes + n;
					return until(() => bytes >= goal, `fewer than ${n} more bytes`, timeoutMs);
				},
				moreSeconds: (n, timeoutMs = 20_000) => {
					const goal = clock.seconds + n;
					return until(() => clock.seconds >= goal, `less than ${n} s more audio`, timeoutMs);
				},
				until: (reached, what, timeoutMs = 20_000) => until(reached, `no ${what}`, timeoutMs),
				stop,
			});
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'ECONNRESET') reject(error);
		});
	});
}

export interface AudioReport {
	codec: string;
	/** Lines the decoder printed at level error: a clean stream has none. */
	decodeErrors: string[];
	/** Seconds of decoded audio. */
	duration: number;
	/** RMS of the first channel, 0..1. */
	rms: number;
	/** Dominant frequency of the first channel, from zero crossings of the audible part. */
	frequency: number;
	/** The longest run of near-silence in the first channel after its first sound, in seconds. */
	longestSilence: number;
}

/** What a listener's decoder makes of a captured file: codec, errors, duration, level and pitch. */
export async function analyze(file: string): Promise<AudioReport> {
	const probe = await execa('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { reject: false });
	const streams = (JSON.parse(probe.stdout || '{}') as { streams?: { codec_name: string }[] }).streams ?? [];
	const { samples, stderr } = await decodeMono(file);
	return {
		codec: streams[0]?.codec_name ?? 'none',
		decodeErrors: joinArtifactsDropped(stderr.split('\n').filter((l) => l.trim())),
		duration: samples.length / 48000,
		...measure(samples, 48000),
	};
}

/**
 * The first channel as 48 kHz mono, decoded through a pipe as a listener's player reads a stream:
 * ffmpeg opening a local chained Ogg file seeks to its end for the duration and stumbles on a
 * link whose start is not in reach. Timestamps from the sample count: each link of a chain starts
 * its own clock.
 */
async function decodeMono(file: string): Promise<{ samples: Int16Array; stderr: string }> {
	const decode = await execa(
		'ffmpeg',
		[
			'-v',
			'error',
			'-i',
			'pipe:0',
			'-af',
			'pan=mono|c0=c0,asetpts=N/SR/TB',
			'-f',
			's16le',
			'-ac',
			'1',
			'-ar',
			'48000',
			'-',
		],
		{
			inputFile: file,
			encoding: 'buffer',
			reject: false,
			maxBuffer: 512 * 1024 * 1024,
		},
	);
	const pcm = Buffer.from(decode.stdout as Uint8Array);
	return {
		samples: new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2)),
		stderr: Buffer.from(decode.stderr as Uint8Array).toString('utf8'),
	};
}

/**
 * An MP3 listener joins at a frame whose data may begin in the frames before it (the bit
 * reservoir): the decoder says so once, for the first frame, and plays on. That is how every
 * MP3 stream is joined, not a fault of what was sent; any later error still counts.
 */
function joinArtifactsDropped(lines: string[]): string[] {
	return /invalid new backstep/.test(lines[0] ?? '') ? lines.slice(1) : lines;
}

/** What a listener heard, in order: runs of one pitch (0: silence) at least `minSeconds` long, from 100 ms windows. */
export async function pitchSequence(file: string, minSeconds = 0.3): Promise<{ hz: number; seconds: number }[]> {
	const { samples } = await decodeMono(file);
	const runs: { hz: number; seconds: number; windows: number[] }[] = [];
	const window = 4800;
	const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(20, b * 0.06);
	for (let i = 0; i + window <= samples.length; i += window) {
		const { rms, frequency } = measure(samples.subarray(i, i + window), 48000);
		const hz = rms < 0.005 ? 0 : frequency;
		const last = runs.at(-1);
		if (last && near(hz, last.hz)) {
			last.windows.push(hz);
			last.seconds += 0.1;
		} else runs.push({ hz, seconds: 0.1, windows: [hz] });
	}
	// Transitions (a window half one pitch, half another) are short: dropped, and their neighbours joined.
	const kept: { hz: number; seconds: number; windows: number[] }[] = [];
	for (const run of runs.filter((r) => r.seconds >= minSeconds - 1e-9)) {
		const last = kept.at(-1);
		if (last && near(run.hz, last.hz)) {
			last.windows.push(...run.windows);
			last.seconds += run.seconds;
		} else kept.push({ ...run, windows: [...run.windows] });
	}
	// Each run's pitch: the median of its windows, to the nearest 10 Hz.
	return kept.map(({ windows, seconds }) => ({
		hz: Math.round(windows.sort((a, b) => a - b)[windows.length >> 1]! / 10) * 10,
		seconds: Math.round(seconds * 10) / 10,
	}));
}

function measure(samples: Int16Array, rate: number): { rms: number; frequency: number; longestSilence: number } {
	let sum = 0;
	let crossings = 0;
	let audible = 0;
	let silentRun = 0;
	let side = 0;
	let longest = 0;
	let heard = false;
	const threshold = 0.01 * 32768;
	const hysteresis = threshold / 4;
	for (let i = 0; i < samples.length; i++) {
		const x = samples[i]!;
		sum += x * x;
		if (Math.abs(x) < threshold) silentRun++;
		else {
			// A gap counts once sound resumes: leading silence (before JACK is connected) and the end do not.
			if (heard) longest = Math.max(longest, silentRun);
			heard = true;
			silentRun = 0;
		}
		// Sign changes with a little hysteresis, so that noise around zero does not count.
		const now = x > hysteresis ? 1 : x < -hysteresis ? -1 : side;
		if (side !== 0 && now !== side) crossings++;
		side = now;
	}
	// A sine crosses zero twice a period; short silent runs inside each period are normal, so count them in.
	for (let i = 0; i < samples.length; i += rate / 100) {
		let peak = 0;
		for (let j = i; j < Math.min(samples.length, i + rate / 100); j++) peak = Math.max(peak, Math.abs(samples[j]!));
		if (peak > threshold) audible += Math.min(rate / 100, samples.length - i);
	}
	return {
		rms: samples.length ? Math.sqrt(sum / samples.length) / 32768 : 0,
		frequency: audible ? crossings / 2 / (audible / rate) : 0,
		longestSilence: longest / rate,
	};
}

export function inDir(dir: string, name: string): string {
	return path.join(dir, name);
}

/** Seconds ffprobe says a file lasts, read from the file itself (its header, its last page). */
export async function probedSeconds(file: string): Promise<number> {
	const { stdout } = await execa('ffprobe', [
		'-v',
		'error',
		'-show_entries',
		'format=duration',
		'-of',
		'csv=p=0',
		file,
	]);
	return Number(stdout);
}
