import { encodingKey, formatSpec, type Container } from '../formats/index.js';
import type { Encoding, Input, Profile, RecordingSpec, StreamInfo } from '../profile/types.js';
import { inputArgs } from './input.js';
import { processingFilter } from './processing.js';

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
	/** With loudness control: the fd of a PCM copy of the input before it, for the input level beside the meter. */
	inputMeterFd: number | null;
}

const FIRST_FD = 3;
/** The meter's copy in 100 ms blocks (the meter's own step): a pipe read per block, not one per 21 ms packet. */
const METER_BLOCKS = 'asetnsamples=n=4800:p=0';

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
				...(e.profile ? { profile: e.profile } : {}),
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
	const processing = profile.processing ?? null;
	const inputMeterFd = processing ? meterFd + 1 : null;
	// What each encoder and the meter read: the input itself, or (with loudness control) one
	// processed programme split N ways inside a filter graph, so every mount and recording gets the same.
	const sources = processing
		? {
				graph: [
					'-filter_complex',
					[
						`[0:a:0]asplit=2[jdraw][jdin]`,
						`[jdin]${METER_BLOCKS}[jdinmeter]`,
						processingFilter(processing, profile.input.channels, 'jdraw', 'jdair'),
						`[jdair]asplit=${encoders.length + 1}${encoders.map((_, i) => `[jde${i}]`).join('')}[jdm]`,
						`[jdm]${METER_BLOCKS}[jdmeter]`,
					].join(';'),
				],
				encoder: (i: number) => ['-map', `[jde${i}]`],
				meter: ['-map', '[jdmeter]'],
			}
		: {
				graph: [],
				encoder: () => ['-map', '0:a:0'],
				meter: ['-map', '0:a:0', '-af', METER_BLOCKS],
			};
	const pcm = (fd: number) => ['-c:a', 'pcm_f32le', '-f', 'wav', `pipe:${fd}`];
	const argv = [
		ffmpeg,
		'-hide_banner',
		'-nostdin',
		'-nostats',
		'-loglevel',
		'level+warning',
		...input.args,
		...sources.graph,
		...encoders.flatMap((e, i) => [
			...sources.encoder(i),
			...formatSpec(e.format).ffmpegArgs(e, profile.latency === 'normal' ? 100 : 20),
			`pipe:${e.fd}`,
		]),
		// What every encoder receives, for the level meter: costs less than a tenth of an Opus encode.
		...sources.meter,
		...pcm(meterFd),
		...(inputMeterFd === null ? [] : ['-map', '[jdinmeter]', ...pcm(inputMeterFd)]),
	];
	return { profile: profile.name, argv, env: input.env, input: profile.input.kind, encoders, meterFd, inputMeterFd };
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
