import type { Input } from '../profile/types.js';

/** The harbor's PCM as jdcast writes it to ffmpeg's stdin: 32-bit float at this rate. */
export const HARBOR_PCM_HZ = 48000;

/** ffmpeg's sine source has an amplitude of 1/8 of full scale. */
const SINE_PEAK_DB = 20 * Math.log10(1 / 8);

/** ffmpeg input options, and the environment the input needs (the JACK server is chosen by env). */
export function inputArgs(input: Input, baseDir: string): { args: string[]; env: Record<string, string> } {
	switch (input.kind) {
		case 'jack':
			return {
				args: ['-f', 'jack', '-channels', String(input.channels), '-i', input.client],
				// Never let libjack start a jackd of its own with a real audio backend.
				env: { JACK_NO_START_SERVER: '1', ...(input.server ? { JACK_DEFAULT_SERVER: input.server } : {}) },
			};
		case 'tone': {
			// The same sine on every channel at the asked peak level (pan copies without the -3 dB of an upmix).
			const copies = Array.from({ length: input.channels }, (_, i) => `c${i}=c0`).join('|');
			const gain = (input.level - SINE_PEAK_DB).toFixed(4);
			return {
				args: [
					'-re',
					'-f',
					'lavfi',
					'-i',
					`sine=frequency=${input.frequency}:sample_rate=48000,volume=${gain}dB:precision=double,pan=${input.channels}c|${copies}`,
				],
				env: {},
			};
		}
		case 'harbor':
			// The DJ's audio, decoded and paced in real time by jdcast (silence between DJs): no -re.
			return {
				args: ['-f', 'f32le', '-ar', String(HARBOR_PCM_HZ), '-ac', String(input.channels), '-i', 'pipe:0'],
				env: {},
			};
		case 'file':
			return {
				args: [
					'-re',
					...(input.loop ? ['-stream_loop', '-1'] : []),
					'-i',
					input.path.startsWith('/') ? input.path : `${baseDir}/${input.path}`,
				],
				env: {},
			};
	}
}
