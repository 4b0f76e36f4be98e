import { bitrateArgs, commonArgs, oggArgs, type FormatSpec } from './types.js';

/** Opus in 20 ms frames, `application audio` (music, not voice-tuned); always 48 kHz. */
export const opus: FormatSpec = {
	name: 'opus',
	title: 'Opus',
	container: 'ogg',
	contentType: 'audio/ogg',
	defaultBitrate: 96,
	maxChannels: {
		count: 2,
		advice: 'opus is sent with 1 or 2 channels here, not N; add `channels: 2`, or use flac for more',
	},
	fixedSamplerate: 48000,
	recording: { extensions: ['.opus', '.ogg', '.oga'], kind: 'an Ogg file' },
	ffmpegArgs: (e, pageMs) => [
		'-c:a',
		'libopus',
		...bitrateArgs(e),
		'-vbr',
		'on',
		'-application',
		'audio',
		'-frame_duration',
		'20',
		...commonArgs(e),
		...oggArgs(pageMs),
	],
};
