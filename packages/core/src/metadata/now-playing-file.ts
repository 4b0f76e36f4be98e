import { constants, unwatchFile, watchFile, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Metadata } from './types.js';

/** A track's description is small: more than this is not one. */
const MAX_BYTES = 64 * 1024;
const POLL_MS = 500;

export interface NowPlayingFollower {
	close(): void;
}

/**
 * Follows the JSON file a music player writes when a track starts — Jackdaw's
 * `.now_playing.json`: `{filename, path, tags: {title, artist, album}, timestamp}` — and calls
 * `onChange` with the track's metadata whenever it changes, and with null when the file goes
 * away (playback stopped). Polled (a player may replace the file rather than write it in place);
 * a file caught half-written is read again at the next poll.
 */
export function followNowPlayingFile(file: string, onChange: (metadata: Metadata | null) => void, onProblem: (message: string) => void = () => {}): NowPlayingFollower {
	let last: string | undefined;
	let closed = false;
	let reading = false;
	let complained = false;
	const check = async () => {
		if (closed || reading) return;
		reading = true;
		try {
			const metadata = await readTrack(file);
			if (closed || metadata === undefined) return;
			complained = false;
			const key = JSON.stringify(metadata);
			if (key === last) return;
			// Nothing was playing and still is not: no change to announce at start.
			if (last === undefined && metadata === null) {
				last = key;
				return;
			}
			last = key;
			onChange(metadata);
		} catch (error) {
			if (!complained) onProblem(`${file}: ${(error as Error).message}`);
			complained = true;
		} finally {
			reading = false;
		}
	};
	const changed = (current: Stats, previous: Stats) => {
		if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino || current.size !== previous.size) void check();
	};
	watchFile(file, { interval: POLL_MS, persistent: false }, changed);
	void check();
	// A file read half-written is not seen again by watchFile until it changes: look once more.
	const again = setInterval(() => void check(), POLL_MS * 4);
	again.unref();
	return {
		close() {
			closed = true;
			clearInterval(again);
			unwatchFile(file, changed);
		},
	};
}

/** The track the file describes; null when there is no file; undefined when it is half-written. */
async function readTrack(file: string): Promise<Metadata | null | undefined> {
	let handle;
	try {
		handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new Error(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	try {
		const info = await handle.stat();
		if (!info.isFile()) throw new Error('not a regular file');
		const buffer = Buffer.alloc(MAX_BYTES + 1);
		const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
		if (bytesRead > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES / 1024} KiB: not a track's description`);
		let value: unknown;
		try {
			value = JSON.parse(buffer.toString('utf8', 0, bytesRead));
		} catch {
			return undefined;
		}
		return trackOf(value);
	} finally {
		await handle.close();
	}
}

function trackOf(value: unknown): Metadata {
	const status = (value && typeof value === 'object' ? value : {}) as { filename?: unknown; tags?: unknown };
	const tags = (status.tags && typeof status.tags === 'object' ? status.tags : {}) as Record<string, unknown>;
	const text = (x: unknown) => (typeof x === 'string' && x.trim() ? x : typeof x === 'number' ? String(x) : undefined);
	const metadata: Metadata = {};
	const title = text(tags.title) ?? text(status.filename);
	if (title !== undefined) metadata.title = title;
	const artist = text(tags.artist);
	if (artist !== undefined) metadata.artist = artist;
	const album = text(tags.album);
	if (album !== undefined) metadata.album = album;
	return metadata;
}
