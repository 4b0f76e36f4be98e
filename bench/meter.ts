/**
 * What the level meter and loudness control cost beside the encode they go with, measured in this
 * run on the same audio: ffmpeg flat out on 60 s of pink noise (Opus 96 alone; with the meter's PCM
 * copy written to a pipe as jdcast plans it; after `processing:`'s filters as jdcast plans them) and
 * jdcast's meter reading that copy in this process.
 */
import { execa } from 'execa';
import { formatSpec } from '../packages/core/src/formats/index.js';
import { processingFilter } from '../packages/core/src/plan/processing.js';
import { SignalMeter } from '../packages/core/src/signal/meter.js';
import { WavReader } from '../packages/core/src/signal/wav-reader.js';

const SECONDS = 60;
const SOURCE = `anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration=${SECONDS},aformat=channel_layouts=stereo`;
// The encode exactly as jdcast plans it (the format registry), to /dev/null.
const OPUS = [
	'-map',
	'0:a:0',
	...formatSpec('opus').ffmpegArgs({ format: 'opus', bitrate: 96, channels: 2, samplerate: null }, 20),
	'-y',
	'/dev/null',
];
const PCM = ['-map', '0:a:0', '-c:a', 'pcm_f32le', '-f', 'wav'];
/** The same Opus encode after loudness control (`processing: { loudness: -16 }`), as jdcast plans it. */
const PROCESSED_OPUS = [
	'-filter_complex',
	processingFilter({ loudness: -16, truePeak: -1, maxGain: 12 }, 2, '0:a:0', 'air'),
	'-map',
	'[air]',
	...OPUS.slice(2),
];

/** CPU seconds (user + system) of one command run to its end, from bash's `times`. */
async function cpuOf(command: string[]): Promise<number> {
	const { stdout } = await execa('bash', ['-c', '"$@" >/dev/null 2>&1; times', 'bash', ...command]);
	const children = stdout.trim().split('\n')[1]!;
	return children.split(/\s+/).reduce((sum, t) => {
		const m = /^(\d+)m([\d.]+)s$/.exec(t);
		return sum + (m ? Number(m[1]) * 60 + Number(m[2]) : 0);
	}, 0);
}

export async function meterBench(runs = 3): Promise<{ tool: string; [key: string]: string | number }[]> {
	const ffmpeg = ['ffmpeg', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', SOURCE];
	// The least of a few runs, one after the other: what the work costs without interference.
	const best = async (f: () => Promise<number>) => {
		let least = Infinity;
		for (let i = 0; i < runs; i++) least = Math.min(least, await f());
		return least;
	};
	const encode = await best(() => cpuOf([...ffmpeg, ...OPUS]));
	const withCopy = await best(() => cpuOf([...ffmpeg, ...OPUS, ...PCM, '-y', '/dev/null']));
	const processed = await best(() => cpuOf([...ffmpeg, ...PROCESSED_OPUS]));
	const { stdout } = await execa('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', SOURCE, ...PCM, '-'], {
		encoding: 'buffer',
		maxBuffer: 64 * 1024 * 1024,
	});
	const wav = Buffer.from(stdout as Uint8Array);
	// The meter runs all night: what counts is its cost once V8 has compiled it, so one pass warms it up first.
	const pass = () => {
		const meter = new SignalMeter(() => {});
		const reader = new WavReader((samples, format) => meter.push(samples, format));
		for (let at = 0; at < wav.length; at += 65536) reader.push(wav.subarray(at, at + 65536));
	};
	pass();
	const node = await best(async () => {
		const before = process.cpuUsage();
		pass();
		const used = process.cpuUsage(before);
		return (used.user + used.system) / 1e6;
	});
	const copy = Math.max(0, withCopy - encode);
	const share = (x: number) => `${((x / encode) * 100).toFixed(1)} %`;
	return [
		{ tool: `Opus 96 encode (ffmpeg, ${SECONDS} s of audio)`, 'CPU s': +encode.toFixed(2), 'of the encode': '100 %' },
		{ tool: 'meter: ffmpeg writing the PCM copy', 'CPU s': +copy.toFixed(2), 'of the encode': share(copy) },
		{
			tool: 'meter: jdcast reading it (levels, R128, true peak; warm)',
			'CPU s': +node.toFixed(2),
			'of the encode': share(node),
		},
		{ tool: 'meter in all', 'CPU s': +(copy + node).toFixed(2), 'of the encode': share(copy + node) },
		{
			tool: 'loudness control (processing:), ffmpeg',
			'CPU s': +Math.max(0, processed - encode).toFixed(2),
			'of the encode': share(Math.max(0, processed - encode)),
		},
	];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await meterBench());
