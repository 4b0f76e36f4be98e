import { encodingKey, formatSpec, type Container } from '../formats/index.js';
import type { Encoding, Input, Profile, RecordingSpec, StreamInfo } from '../profile/types.js';
import { inputArgs } from './input.js';

export interface StreamTarget {
	server: string;
	mount: string;
	info: StreamInfo;
	/** Taken in turns with other sources. */
	shared: boolean;
}

export interface EncoderPlan extends Encoding {
	/** The file descriptor ffmpeg writes this encoding to (3, 4, ...). */
	fd: number;
	container: Container;
	/** null: a format for recordings only (wav). */
	contentType: string | null;
	streams: StreamTarget[];
	/** The recordings of this encoding, paths as written ({profile}, {date} not expanded). */
	recordings: RecordingSpec[];
}

export interface EncodePlan {
	profile: string;
	/** The whole ffmpeg command line, argv[0] included. No password or server URL is ever in it. */
	argv: string[];
	env: Record<string, string>;
	/** What ffmpeg reads: a JACK client, a tone or a file. */
	input: Input['kind'];
	encoders: EncoderPlan[];
	/** The fd of the PCM copy (32-bit float WAV) that the level meter reads, after the encoders'. */
	meterFd: number;
}

const FIRST_FD = 3;

/** One ffmpeg per profile, one encoder per distinct encoding. Pure: no I/O. */
export function plan(profile: Profile, ffmpeg = 'ffmpeg'): EncodePlan {
	const byKey = new Map<string, EncoderPlan>();
	const encoderFor = (e: Encoding): EncoderPlan => {
		const key = encodingKey(e);
		let encoder = byKey.get(key);
		if (!encoder) {
			const spec = formatSpec(e.format);
			encoder = {
				fd: FIRST_FD + byKey.size,
				format: e.format,
				bitrate: e.bitrate,
				channels: e.channels,
				samplerate: e.samplerate,
				container: spec.container,
				contentType: spec.contentType,
				streams: [],
				recordings: [],
			};
			byKey.set(key, encoder);
		}
		return encoder;
	};
	for (const stream of profile.streams) {
		const encoder = encoderFor(stream);
		for (const server of stream.servers)
			encoder.streams.push({ server, mount: stream.mount, info: stream.info, shared: stream.shared });
	}
	for (const recording of profile.recordings) encoderFor(recording).recordings.push(recording);

	const encoders = [...byKey.values()];
	const input = inputArgs(profile.input, profile.baseDir);
	const meterFd = FIRST_FD + encoders.length;
	const argv = [
		ffmpeg,
		'-hide_banner',
		'-nostdin',
		'-nostats',
		'-loglevel',
		'level+warning',
		...input.args,
		...encoders.flatMap((e) => [
			'-map',
			'0:a:0',
			...formatSpec(e.format).ffmpegArgs(e, profile.latency === 'normal' ? 100 : 20),
			`pipe:${e.fd}`,
		]),
		// What every encoder receives, for the level meter: costs less than a tenth of an Opus encode.
		// In 100 ms blocks (the meter's own step): a pipe read per block, not one per 21 ms packet.
		...['-map', '0:a:0', '-af', 'asetnsamples=n=4800:p=0', '-c:a', 'pcm_f32le', '-f', 'wav', `pipe:${meterFd}`],
	];
	return { profile: profile.name, argv, env: input.env, input: profile.input.kind, encoders, meterFd };
}

/** The JSON form of `jdcast plan --json`. */
export function planSummary(p: EncodePlan): {
	name: string;
	argv: string[];
	encoders: {
		fd: number;
		format: string;
		bitrate: number | null;
		channels: number;
		samplerate: number | null;
		streams: { server: string; mount: string }[];
		recordings: string[];
	}[];
} {
	return {
		name: p.profile,
		argv: p.argv,
		encoders: p.encoders.map((e) => ({
			fd: e.fd,
			format: e.format,
			bitrate: e.bitrate,
			channels: e.channels,
			samplerate: e.samplerate,
			streams: e.streams.map(({ server, mount }) => ({ server, mount })),
			recordings: e.recordings.map((r) => r.path),
		})),
	};
}
