import path from 'node:path';
import { writeFileAtomically } from '../../util/atomic-file.js';
import type { Metadata } from '../../metadata/types.js';
import { withoutControlCharacters } from '../../util/text.js';

/** One "now playing" change inside a recording file: seconds from the file's first sample. */
export interface TrackMark {
	start: number;
	title: string | null;
	artist: string | null;
	album: string | null;
}

/** `show.flac` → `show.cue` and `show.tracks.json` beside it (`show.flac.cue`… when `withExtension`). */
export function sidecarPaths(file: string, withExtension = false): { cue: string; json: string } {
	const base = withExtension ? file : file.slice(0, file.length - path.extname(file).length);
	return { cue: `${base}.cue`, json: `${base}.tracks.json` };
}

/**
 * "Now playing" as a track list holds it: plain text on one line. A newline would split a CUE sheet's
 * TITLE line into one of the sender's choosing (a second FILE, say), and JSON's escapes would give
 * every reader of the list the raw newline back; the line and paragraph separators end lines too.
 */
function plain(text: string | undefined): string | null {
	const line = withoutControlCharacters(text ?? '')
		.replace(/[\u2028\u2029]+/g, ' ')
		.trim();
	return line === '' ? null : line;
}

/** A track at `start` seconds, its fields made plain text (whatever the caller cleaned before). */
export function markOf(start: number, m: Metadata): TrackMark {
	return {
		start: Math.max(0, Math.round(start * 1000) / 1000),
		title: plain(m.title),
		artist: plain(m.artist),
		album: plain(m.album),
	};
}

/** CUE time: minutes, seconds and frames of 1/75 s. */
function cueTime(seconds: number): string {
	const frames = Math.round(seconds * 75);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(Math.floor(frames / 4500))}:${pad(Math.floor(frames / 75) % 60)}:${pad(frames % 75)}`;
}

/**
 * CUE strings have no escapes: a double quote becomes a single one, a backslash a slash (some parsers
 * read it as one), and a control character a space (a file name validate did not see, from a library
 * caller: its line stays one line).
 */
const quoted = (text: string) => `"${(plain(text) ?? '').replace(/"/g, "'").replace(/\\/g, '/')}"`;
/** The most tracks a CUE sheet may have; the JSON list keeps every one. */
const MAX_CUE_TRACKS = 99;

const CUE_FILE_TYPE: Record<string, string> = {
	'.mp3': 'MP3',
	'.wav': 'WAVE',
	'.flac': 'WAVE',
	'.ogg': 'WAVE',
	'.oga': 'WAVE',
	'.opus': 'WAVE',
	'.aac': 'WAVE',
};

/**
 * The CUE sheet: one TRACK per title, at most 99 (what the format allows); titles set within
 * one CUE frame (1/75 s) of each other count as the last of them.
 */
export function cueSheet(file: string, marks: readonly TrackMark[]): string {
	const lines = [`FILE ${quoted(path.basename(file))} ${CUE_FILE_TYPE[path.extname(file).toLowerCase()] ?? 'WAVE'}`];
	const tracks = marks
		.filter((mark, i) => i === marks.length - 1 || Math.round(marks[i + 1]!.start * 75) > Math.round(mark.start * 75))
		.slice(0, MAX_CUE_TRACKS);
	tracks.forEach((mark, i) => {
		lines.push(`  TRACK ${String(i + 1).padStart(2, '0')} AUDIO`);
		if (mark.title) lines.push(`    TITLE ${quoted(mark.title)}`);
		if (mark.artist) lines.push(`    PERFORMER ${quoted(mark.artist)}`);
		lines.push(`    INDEX 01 ${cueTime(mark.start)}`);
	});
	return `${lines.join('\n')}\n`;
}

function trackList(file: string, marks: readonly TrackMark[]): string {
	return `${JSON.stringify({ file: path.basename(file), tracks: marks }, null, 2)}\n`;
}

/**
 * Writes a part's sidecars, one write at a time (the newest list wins); a disk that refuses them
 * is the recording's own problem, said there, so this never throws.
 */
export class SidecarWriter {
	private writing: Promise<void> = Promise.resolve();

	constructor(private readonly withExtension = false) {}

	write(file: string, marks: readonly TrackMark[]): Promise<void> {
		const snapshot = [...marks];
		const { cue, json } = sidecarPaths(file, this.withExtension);
		// Whole files renamed into place: never written through a symlink, never left half-written by a full disk.
		this.writing = this.writing.then(() =>
			Promise.all([
				writeFileAtomically(cue, cueSheet(file, snapshot)),
				writeFileAtomically(json, trackList(file, snapshot)),
			]).then(
				() => undefined,
				() => undefined,
			),
		);
		return this.writing;
	}
}
