import { bitrateArgs, commonArgs, type FormatSpec } from './types.js';

/** MP3 without ID3 or Xing headers: a live stream has neither a length nor a seek table. */
export const mp3: FormatSpec = {
	name: 'mp3',
	title: 'MP3',
	container: 'mp3',
	contentType: 'audio/mpeg',
	defaultBitrate: 128,
	maxChannels: { count: 2, advice: 'mp3 carries at most 2 channels but the input has N; add `channels: 2`' },
	fixedSamplerate: null,
	recording: { extensions: ['.mp3'], kind: 'an MP3 file' },
	ffmpegArgs: (e) => [
		'-c:a',
		'libmp3lame',
		...bitrateArgs(e),
		...commonArgs(e),
		'-f',
		'mp3',
		'-id3v2_version',
		'0',
		'-write_xing',
		'0',
		'-flush_packets',
		'1',
	],
};
