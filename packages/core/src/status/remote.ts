/** What a harbor (remote DJs) and a backup's failover report: in status and as events. */

/** The DJ a harbor has connected. */
export interface HarborDj {
	/** The user name they gave: `source` for the shared password, else one of `users`. */
	user: string;
	address: string;
	/** Their software's `User-Agent` (BUTT, Mixxx, Lavf, Liquidsoap); null when it sends none. */
	userAgent: string | null;
	/** What they say they send (`audio/mpeg`); null when they do not say. */
	contentType: string | null;
	/** What ffmpeg found they send (`mp3, 44100 Hz, stereo`); null until it knows. */
	codec: string | null;
	/** The stream name their software gives (`ice-name`). */
	name: string | null;
	connectedAt: string;
	/** Since when listeners hear them; null while their audio has not come or is being buffered. */
	onAirSince: string | null;
	/** Bytes they sent. */
	bytes: number;
}

export interface HarborStatus {
	host: string;
	port: number;
	mount: string;
	/** The DJ connected now; null between DJs (the shared mounts are then on their fallback). */
	dj: HarborDj | null;
	/** The last DJ who left, when and why. */
	lastDj: { user: string; address: string; leftAt: string; reason: string } | null;
	/** Connections refused since the profile started (wrong password, mount in use, limits). */
	refused: number;
	lastRefusal: { address: string; status: number; reason: string; at: string } | null;
}

/**
 * A harbor's DJ connected (`connected`), went to air (`on-air`), left or was cut (`left`, with the
 * reason), or a connection was refused (`refused`, with the reason and status).
 */
export interface HarborEvent {
	profile: string;
	kind: 'connected' | 'on-air' | 'left' | 'refused';
	dj: HarborDj | null;
	reason: string | null;
	/** `refused`: the refused client's address and the status it got. */
	address?: string;
	status?: number;
}

export interface FailoverStatus {
	/** Seconds a holder may deliver nothing before it is removed. */
	after: number;
	/** Times this output removed a silent holder and took the mount. */
	count: number;
	last: { at: string; from: string | null; silentSeconds: number; gapSeconds: number } | null;
}

/**
 * A backup removed a silent holder of a shared mount and took it (`took`), or could not (`took:
 * false`, with why): `from` is the holder's address as the server knew it.
 */
export interface FailoverEvent {
	profile: string;
	server: string;
	mount: string;
	took: boolean;
	from: string | null;
	/** How long the holder had delivered nothing when it was removed. */
	silentSeconds: number | null;
	/** What listeners missed: from the holder's last byte to this output on air. */
	gapSeconds: number | null;
	message: string;
}
