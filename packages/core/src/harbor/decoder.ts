import type { Readable, Writable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { childEnvironment } from '../util/child-env.js';
import { dieWithParent, terminate } from '../util/process.js';

/** ffmpeg's demuxer for what a source client says it sends; null: ffmpeg looks at the bytes. */
export function demuxerFor(contentType: string | null): string | null {
	switch (contentType) {
		case 'audio/mpeg':
		case 'audio/mp3':
		case 'audio/mpeg3':
			return 'mp3';
		case 'audio/ogg':
		case 'application/ogg':
		case 'audio/opus':
		case 'audio/vorbis':
		case 'audio/x-ogg':
			return 'ogg';
		case 'audio/aac':
		case 'audio/aacp':
		case 'audio/x-aac':
			return 'aac';
		case 'audio/flac':
		case 'audio/x-flac':
			return 'flac';
		case 'audio/webm':
		case 'video/webm':
		case 'audio/x-matroska':
			return 'matroska';
		default:
			return null;
	}
}

/**
 * What a stream's first bytes say it is: ffmpeg's `icecast://` sends `audio/mpeg` for Ogg unless told
 * otherwise, and Shoutcast-style clients send no type, so the bytes are believed before the header.
 * Null when they say nothing known (yet: fewer than 4 bytes).
 */
export function sniffDemuxer(head: Buffer): string | null {
	if (head.length < 4) return null;
	const magic = head.subarray(0, 4).toString('latin1');
	if (magic === 'OggS') return 'ogg';
	if (magic === 'fLaC') return 'flac';
	if (head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
	if (magic.startsWith('ID3')) return 'mp3';
	// A frame sync: MPEG audio layers 1-3 have a non-zero layer, ADTS (AAC) has layer 0.
	if (head[0] === 0xff && (head[1]! & 0xf0) === 0xf0 && ((head[1]! >> 1) & 3) === 0) return 'aac';
	if (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return 'mp3';
	return null;
}

/** The file ending a DJ's own bytes are kept under (`record_raw`). */
export function rawExtension(demuxer: string | null): string {
	return demuxer === 'matroska' ? 'webm' : demuxer === null ? 'bin' : demuxer;
}

export interface Decoder {
	/** The DJ's bytes go in here. */
	input: Writable;
	/** 32-bit float PCM at the harbor's rate and channels comes out here. */
	pcm: Readable;
	/** What ffmpeg says the DJ sends (`mp3, 44100 Hz, stereo`), once it knows. */
	codec: Promise<string | null>;
	/**
	 * Resolves when ffmpeg has exited: `ended` (their stream ended), `failed` (it could not decode it:
	 * its last line), or `killed` (by a signal from outside: not the DJ's doing).
	 */
	exited: Promise<{ how: 'ended' | 'failed' | 'killed'; reason: string }>;
	stop(): Promise<void>;
}

/**
 * One DJ connection's decoder: an ffmpeg reading what the DJ sends on stdin and writing PCM. Told
 * the format when the DJ says it (so that it starts at the first frame instead of probing a
 * second of audio), it needs no password and reads nothing else.
 */
export function startDecoder(options: {
	ffmpeg: string;
	/** ffmpeg's demuxer for it (sniffed, else from the Content-Type); null: ffmpeg probes. */
	demuxer: string | null;
	rate: number;
	channels: number;
}): Decoder {
	const { demuxer } = options;
	const args = [
		'-hide_banner',
		'-nostdin',
		'-nostats',
		'-loglevel',
		'info',
		...(demuxer ? ['-probesize', '32', '-analyzeduration', '0', '-f', demuxer] : ['-probesize', '65536']),
		'-i',
		'pipe:0',
		'-vn',
		'-map',
		'0:a:0',
		'-f',
		'f32le',
		'-ar',
		String(options.rate),
		'-ac',
		String(options.channels),
		'pipe:1',
	];
	const [file, argv] = dieWithParent(options.ffmpeg, args, { signal: 'KILL' });
	const child: ResultPromise = execa(file, argv, {
		stdio: ['pipe', 'pipe', 'pipe'],
		env: childEnvironment(),
		extendEnv: false,
		buffer: false,
		reject: false,
		stripFinalNewline: false,
		forceKillAfterDelay: 1000,
	});
	child.catch(() => {});
	child.stdin!.on('error', () => {});
	const lines: string[] = [];
	let partial = '';
	let foundCodec: (codec: string | null) => void = () => {};
	const codec = new Promise<string | null>((resolve) => (foundCodec = resolve));
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (text: string) => {
		const split = (partial + text).split(/\r?\n/);
		partial = split.pop() ?? '';
		for (const line of split) {
			const audio = /Stream #0:\d+.*?: Audio: ([^,]+(?:, \d+ Hz)?(?:, [a-z0-9.() ]+)?)/.exec(line);
			if (audio) foundCodec(audio[1]!.replace(/ \([^)]*\)/g, ''));
			if (line.trim()) lines.push(line.trim());
			if (lines.length > 6) lines.shift();
		}
	});
	const exited = child.then((result) => {
		foundCodec(null);
		if (result.signal) return { how: 'killed' as const, reason: `its decoder was ended by ${result.signal}` };
		const reason = lines.at(-1)?.replace(/^\[[^\]]+\]\s*/, '') ?? 'ffmpeg exited';
		return { how: result.exitCode === 0 ? ('ended' as const) : ('failed' as const), reason };
	});
	return {
		input: child.stdin!,
		pcm: child.stdout!,
		codec,
		exited,
		stop: () => terminate(child, 'SIGKILL'),
	};
}
