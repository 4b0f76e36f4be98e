import { unwatchFile, watchFile, type Stats } from 'node:fs';
import path from 'node:path';
import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import { cleanMetadata, type Metadata } from './types.js';

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
 * a file caught half-written is read again at the next poll. A file that is not JSON and reads the
 * same twice is no half-written one: `onProblem` says so with the parser's words, once for each
 * content the file has (not at every poll); the track stays what it was.
 */
export function followNowPlayingFile(
	file: string,
	onChange: (metadata: Metadata | null) => void,
	onProblem: (message: string) => void = () => {},
): NowPlayingFollower {
	let last: string | undefined;
	let closed = false;
	let reading = false;
	let complained = false;
	/** The bytes last found not to be JSON, and whether they have been said. */
	let unparsable: { text: string; said: boolean } | undefined;
	const check = async () => {
		if (closed || reading) return;
		reading = true;
		try {
			const read = await readTrack(file);
			if (closed) return;
			if (read !== null && 'invalid' in read) {
				// Half-written the first time it is seen; the same bytes again are the file as its writer left it.
				if (unparsable?.text === read.text) {
					if (!unparsable.said) onProblem(`${file}: not valid JSON (${read.invalid}); the title stays as it was`);
					unparsable.said = true;
				} else unparsable = { text: read.text, said: false };
				return;
			}
			unparsable = undefined;
			const metadata = read;
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
		if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino || current.size !== previous.size)
			void check();
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

/** The track the file describes; null when there is no file; what it holds and why it is not JSON otherwise. */
async function readTrack(file: string): Promise<Metadata | null | { text: string; invalid: string }> {
	let bytes: Buffer;
	try {
		bytes = await readSmallFile(file, MAX_BYTES);
	} catch (error) {
		const { kind, reason } = error as SmallFileError;
		if (kind === 'ENOENT') return null;
		throw new Error(
			kind === 'too-large'
				? `${reason}: not a track's description`
				: kind === 'not-file'
					? 'not a regular file'
					: reason,
		);
	}
	const text = bytes.toString('utf8');
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { text, invalid: (error as Error).message };
	}
	return trackOf(value);
}

function trackOf(value: unknown): Metadata {
	const status = (value && typeof value === 'object' ? value : {}) as { filename?: unknown; tags?: unknown };
	const tags = (status.tags && typeof status.tags === 'object' ? status.tags : {}) as Record<string, unknown>;
	const text = (x: unknown) => (typeof x === 'string' && x.trim() ? x : typeof x === 'number' ? String(x) : undefined);
	const metadata: Metadata = {};
	// A file name, never a path: where the music lives is nobody's business on air.
	const filename = text(status.filename);
	const title = text(tags.title) ?? (filename === undefined ? undefined : path.basename(filename));
	if (title !== undefined) metadata.title = title;
	const artist = text(tags.artist);
	if (artist !== undefined) metadata.artist = artist;
	const album = text(tags.album);
	if (album !== undefined) metadata.album = album;
	// Tags come from music files anyone may have made: cleaned before they are compared, logged or sent.
	return cleanMetadata(metadata);
}
