import { bitrateArgs, commonArgs, oggArgs, type FormatSpec } from './types.js';

export const vorbis: FormatSpec = {
	name: 'vorbis',
	title: 'Vorbis',
	container: 'ogg',
	contentType: 'audio/ogg',
	defaultBitrate: 128,
	maxChannels: { count: 8, advice: 'vorbis carries at most 8 channels' },
	fixedSamplerate: null,
	recording: { extensions: ['.ogg', '.oga'], kind: 'an Ogg file' },
	ffmpegArgs: (e, pageMs) => ['-c:a', 'libvorbis', ...bitrateArgs(e), ...commonArgs(e), ...oggArgs(pageMs)],
};
