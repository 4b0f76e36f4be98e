import { realpathSync } from 'node:fs';

/**
 * Node's flags for jdcast, also in the launch line of bin/jdcast.mjs (a test keeps the two the
 * same) and in the service's ExecStart: a young generation of at most 1 MiB instead of 16 (what
 * jdcast allocates per page dies young and small; ten profiles in one process measured 97 → 81 MB
 * RSS, CPU unchanged), one V8 worker thread instead of four, and a heap that grows less before
 * it is collected (`--optimize-for-size`: ten profiles 79–90 → 74 MiB RSS after 30 s, peak 89 →
 * 80; one profile's CPU unchanged, ten profiles' Node CPU 0.84 → 1.0 s per 20 s).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1', '--optimize-for-size'];

/** How to run this very jdcast again (a service, a launcher): node, its flags and the command file. */
export function selfCommand(): string[] {
	return [process.execPath, ...NODE_FLAGS, realpathSync(process.argv[1]!)];
}
