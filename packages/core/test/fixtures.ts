import { execa } from 'execa';
import { OggPageReader } from '../src/ogg/page-reader.js';
import type { ServerConfig } from '../src/profile/types.js';

/** `seconds` of a 440 Hz tone through a real encoder (`codec`: ffmpeg's options), cut into its Ogg pages. */
export async function encodedPages(codec: string[], seconds: number, ogg: string[] = []): Promise<Buffer[]> {
	const tone = `sine=frequency=440:sample_rate=48000:duration=${seconds}`;
	const { stdout } = await execa(
		'ffmpeg',
		['-v', 'error', '-f', 'lavfi', '-i', tone, '-ac', '2', ...codec, '-f', 'ogg', ...ogg, '-'],
		{ encoding: 'buffer' },
	);
	return new OggPageReader().push(Buffer.from(stdout as Uint8Array)).map((p) => Buffer.from(p.bytes));
}

/** A station's Icecast server as a profile names it; `mounts`: its mount settings (fallbacks). */
export function stationServer(mounts: ServerConfig['mounts'] = {}): ServerConfig {
	return {
		name: 'station',
		host: '127.0.0.1',
		port: 8000,
		user: 'source',
		password: { kind: 'generated' },
		tls: false,
		embedded: false,
		mounts,
		at: { file: 'p.yaml', line: 1, col: 1 },
	};
}

/** Feeds bytes in uneven chunks, as a pipe delivers them. */
export function feed(bytes: Buffer, push: (chunk: Buffer) => void, sizes = [1, 7, 100, 333, 4096]): void {
	for (let at = 0, i = 0; at < bytes.length; i++) {
		const size = sizes[i % sizes.length]!;
		push(bytes.subarray(at, at + size));
		at += size;
	}
}
