import { withoutControlCharacters } from '../util/text.js';

/** "Now playing": what listeners' players show. */
export interface Metadata {
	title?: string;
	artist?: string;
	album?: string;
	comment?: string;
}

/** The one-line form Icecast shows for MP3 and in its status: "Artist - Title". */
export function songLine(m: Metadata): string {
	if (m.artist && m.title) return `${m.artist} - ${m.title}`;
	return m.title ?? m.artist ?? '';
}

/** Where a metadata change went, per target. */
export interface MetadataResult {
	profile: string;
	server: string;
	mount: string;
	/** in-band: a new link of the Ogg chain; admin: Icecast's /admin/metadata (MP3). */
	via: 'in-band' | 'admin';
	/** False when sending it failed (`error` says why); a value superseded before its turn has not failed. */
	ok: boolean;
	error: string | null;
	/**
	 * A newer value for this target came before this one's turn (at most one change per target each
	 * `now_playing.interval`): this one never reached listeners, the newer one did or will.
	 */
	superseded: boolean;
}

/** The longest a "now playing" field may be, the same for every format (Icecast's admin call fails from ~4,000). */
export const MAX_METADATA_CHARS = 512;

/**
 * "Now playing" as it may reach listeners: no control characters (a newline or ESC in an ICY
 * block or a Vorbis comment reaches players raw, and makes Icecast's status JSON invalid), each
 * field cut to MAX_METADATA_CHARS characters.
 */
export function cleanMetadata(m: Metadata): Metadata {
	const out: Metadata = {};
	for (const key of ['title', 'artist', 'album', 'comment'] as const) {
		const value = m[key];
		if (value === undefined) continue;
		out[key] = [...withoutControlCharacters(value)].slice(0, MAX_METADATA_CHARS).join('').trim();
	}
	return out;
}

/**
 * The song line for an ICY block: Icecast writes `StreamTitle='LINE';` without escaping, so a
 * `';` inside would end the field and start one of the sender's choosing (StreamUrl=…).
 */
export function icySafe(line: string): string {
	return line.replace(/';/g, "' ;");
}
