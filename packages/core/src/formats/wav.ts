import { commonArgs, type FormatSpec } from './types.js';

/**
 * 24-bit PCM for editors, recordings only. ffmpeg writes a WAV stream to the pipe (sizes unknown
 * there); the recording writes its own header and keeps the RIFF sizes current (outputs/wav-file.ts).
 */
export const wav: FormatSpec = {
	name: 'wav',
	title: 'WAV',
	container: 'wav',
	contentType: null,
	defaultBitrate: null,
	maxChannels: { count: 8, advice: 'wav recordings carry at most 8 channels here' },
	fixedSamplerate: null,
	recording: { extensions: ['.wav'], kind: 'a WAV file' },
	ffmpegArgs: (e) => ['-c:a', 'pcm_s24le', ...commonArgs(e), '-f', 'wav', '-flush_packets', '1'],
};
