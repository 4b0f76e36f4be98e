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
	ok: boolean;
	error: string | null;
}
