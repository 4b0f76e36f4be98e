import { localTime } from '../util/local-time.js';

/** What an MP3 recording's ID3v2 tag says about it. */
export interface RecordingTags {
	/** TIT2: what players list the file as. */
	title: string;
	/** TALB: the show (the profile). */
	album: string;
	/** TDRC: when the recording began. */
	recordedAt: Date;
}

/** A 28-bit size in four bytes of seven bits each (ID3v2.4's "syncsafe" integers). */
function syncsafe(size: number): Buffer {
	return Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
}

/** One text frame, UTF-8 (encoding byte 3). */
function textFrame(id: string, text: string): Buffer {
	const body = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]);
	return Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]);
}

/** `YYYY-MM-DDTHH:MM:SS` in local time, as ID3v2.4 timestamps are written. */
function timestamp(at: Date): string {
	const { date, hh, mm, ss } = localTime(at);
	return `${date}T${hh}:${mm}:${ss}`;
}

/**
 * An ID3v2.4 tag for the start of an MP3 recording: title, show, recording time and jdcast as
 * the encoder's name. The tracks inside are in the CUE sheet and `.tracks.json` beside it.
 */
export function id3Tag(tags: RecordingTags): Buffer {
	const frames = Buffer.concat([
		textFrame('TIT2', tags.title),
		textFrame('TALB', tags.album),
		textFrame('TDRC', timestamp(tags.recordedAt)),
		textFrame('TSSE', 'jdcast'),
	]);
	return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(frames.length), frames]);
}
