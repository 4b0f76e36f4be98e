import { bitrateArgs, commonArgs, type FormatSpec } from './types.js';

/**
 * AAC-LC from ffmpeg's native encoder (in every build), in ADTS: each frame carries the stream's
 * configuration, so a listener joining at any frame decodes, and Icecast serves it like MP3
 * ("now playing" through its admin API). HE-AAC needs libfdk_aac, which few builds have.
 */
export const aac: FormatSpec = {
	name: 'aac',
	title: 'AAC',
	container: 'adts',
	contentType: 'audio/aac',
	defaultBitrate: 128,
	maxChannels: { count: 2, advice: 'aac is sent with 1 or 2 channels here, not N; add `channels: 2`' },
	fixedSamplerate: null,
	recording: { extensions: ['.aac'], kind: 'an AAC (ADTS) file' },
	ffmpegArgs: (e) => [
		...(e.profile === 'lc' || e.profile === undefined
			? ['-c:a', 'aac', '-profile:a', 'aac_low']
			: ['-c:a', 'libfdk_aac', '-profile:a', e.profile === 'he2' ? 'aac_he_v2' : 'aac_he']),
		...bitrateArgs(e),
		...commonArgs(e),
		'-f',
		'adts',
		'-flush_packets',
		'1',
	],
};
