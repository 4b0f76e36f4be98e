import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Metadata } from '../../metadata/types.js';

/** One "now playing" change inside a recording file: seconds from the file's first sample. */
export interface TrackMark {
	start: number;
	title: string | null;
	artist: string | null;
	album: string | null;
}

/** `show.flac` → `show.cue` and `show.tracks.json`, beside it. */
export function sidecarPaths(file: string): { cue: string; json: string } {
	const base = file.slice(0, file.length - path.extname(file).length);
	return { cue: `${base}.cue`, json: `${base}.tracks.json` };
}

export function markOf(start: number, m: Metadata): TrackMark {
	return { start: Math.max(0, Math.round(start * 1000) / 1000), title: m.title ?? null, artist: m.artist ?? null, album: m.album ?? null };
}

/** CUE time: minutes, seconds and frames of 1/75 s. */
function cueTime(seconds: number): string {
	const frames = Math.round(seconds * 75);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(Math.floor(frames / 4500))}:${pad(Math.floor(frames / 75) % 60)}:${pad(frames % 75)}`;
}

/** CUE strings have no escapes: a double quote becomes a single one. */
const quoted = (text: string) => `"${text.replace(/"/g, "'")}"`;

const CUE_FILE_TYPE: Record<string, string> = { '.mp3': 'MP3', '.wav': 'WAVE', '.flac': 'WAVE', '.ogg': 'WAVE', '.oga': 'WAVE', '.opus': 'WAVE' };

export function cueSheet(file: string, marks: readonly TrackMark[]): string {
	const lines = [`FILE ${quoted(path.basename(file))} ${CUE_FILE_TYPE[path.extname(file).toLowerCase()] ?? 'WAVE'}`];
	marks.forEach((mark, i) => {
		lines.push(`  TRACK ${String(i + 1).padStart(2, '0')} AUDIO`);
		if (mark.title) lines.push(`    TITLE ${quoted(mark.title)}`);
		if (mark.artist) lines.push(`    PERFORMER ${quoted(mark.artist)}`);
		lines.push(`    INDEX 01 ${cueTime(mark.start)}`);
	});
	return `${lines.join('\n')}\n`;
}

export function trackList(file: string, marks: readonly TrackMark[]): string {
	return `${JSON.stringify({ file: path.basename(file), tracks: marks }, null, 2)}\n`;
}

/**
 * Writes a part's sidecars, one write at a time (the newest list wins); a disk that refuses them
 * is the recording's own problem, said there, so this never throws.
 */
export class SidecarWriter {
	private writing: Promise<void> = Promise.resolve();

	write(file: string, marks: readonly TrackMark[]): Promise<void> {
		const snapshot = [...marks];
		const { cue, json } = sidecarPaths(file);
		this.writing = this.writing.then(() => Promise.all([writeFile(cue, cueSheet(file, snapshot)), writeFile(json, trackList(file, snapshot))]).then(() => undefined, () => undefined));
		return this.writing;
	}
}
