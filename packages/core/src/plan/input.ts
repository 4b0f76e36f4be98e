import type { Input } from '../profile/types.js';

/** ffmpeg input options, and the environment the input needs (the JACK server is chosen by env). */
export function inputArgs(input: Input, baseDir: string): { args: string[]; env: Record<string, string> } {
	switch (input.kind) {
		case 'jack':
			return {
				args: ['-f', 'jack', '-channels', String(input.channels), '-i', input.client],
				// Never let libjack start a jackd of its own with a real audio backend.
				env: { JACK_NO_START_SERVER: '1', ...(input.server ? { JACK_DEFAULT_SERVER: input.server } : {}) },
			};
		case 'tone':
			return {
				args: ['-re', '-f', 'lavfi', '-i', `sine=frequency=${input.frequency}:sample_rate=48000,aformat=channel_layouts=${input.channels === 1 ? 'mono' : 'stereo'}`],
				env: {},
			};
		case 'file':
			return {
				args: ['-re', ...(input.loop ? ['-stream_loop', '-1'] : []), '-i', input.path.startsWith('/') ? input.path : `${baseDir}/${input.path}`],
				env: {},
			};
	}
}
