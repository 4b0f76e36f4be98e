import type { MetadataResult } from '../metadata/types.js';
import type { Format } from '../profile/types.js';
import type { FailoverEvent, FailoverStatus, HarborEvent, HarborStatus } from './remote.js';

export type { FailoverEvent, FailoverStatus, HarborDj, HarborEvent, HarborStatus } from './remote.js';

export type ProfileState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
/**
 * `live`: connected and its encoder's bytes flowing; `stalled`: connected, but the encoder has
 * delivered nothing for over a second (listeners hear nothing); `connecting` lasts until the
 * first bytes are sent.
 */
/**
 * `waiting`: a shared mount another source holds (outside this profile's say: another jdcast, a
 * DJ's own software) and this output wants it: taken the moment it is free. `standby`: a shared
 * output that does not seek its mount for now — another profile of this jdcast took it by
 * handover, it is held back before its slot, it yielded for dead air, or its harbor has no DJ; not a fault.
 */
export type OutputState = 'connecting' | 'live' | 'stalled' | 'retrying' | 'waiting' | 'standby' | 'failed' | 'stopped';
/** `retrying`: the disk failed the file (full, read-only, too slow); it is tried again, in a new part. */
export type RecordingState = 'recording' | 'retrying' | 'stopped';

export interface OutputStatus {
	server: string;
	mount: string;
	/** Taken in turns with other sources (`shared: true`). */
	shared: boolean;
	format: Format;
	/** The encoding's nominal bitrate in kbit/s (null: variable or lossless, e.g. FLAC). */
	bitrate: number | null;
	state: OutputState;
	bytesSent: number;
	/** Over the last few seconds. */
	kbps: number;
	/** Connection attempts after the first: every retry and every reconnect after a drop. */
	reconnects: number;
	lastError: string | null;
	/** The code of the last error (E_ICECAST_REFUSED, E_ICECAST_AUTH, …), for programs. */
	lastErrorCode: string | null;
	/** From the server's /status-json.xsl; null until known. */
	listeners: number | null;
	/** "Artist - Title" as last set, null when none. */
	nowPlaying: string | null;
	/** ISO time the output went live, null while not live. */
	liveSince: string | null;
	/** Where a listener tunes in. */
	url: string;
	/** With `failover` on its mount: how long a silent holder is suffered, how often this output took over, the last time. */
	failover?: FailoverStatus;
}

export interface RecordingStatus {
	/** The recording's path as the profile writes it ({profile}, {date} not expanded): the same for all its files. */
	name: string;
	/** The file being written now (a new one at each split, encoder restart or disk failure). */
	path: string;
	state: RecordingState;
	/** Bytes written, all files of this recording. */
	bytes: number;
	/** Bytes and seconds of audio in the file being written. */
	partBytes: number;
	seconds: number;
	lastError: string | null;
	/** Every file of the recording, in order (`show.ogg`, `show-part2.ogg`, …). */
	parts: string[];
	/** Seconds of audio lost to disk failures, in all. */
	lostSeconds: number;
}

export type { AudioStatus, InputLevel } from './audio.js';
import type { AudioStatus } from './audio.js';

export interface ProfileStatus {
	name: string;
	state: ProfileState;
	lastError: string | null;
	/** `xruns`: audio lost before encoding, as ffmpeg's JACK input reported it. */
	encoder: { pid: number | null; restarts: number; xruns: number };
	/** null until the first 100 ms were measured. */
	audio: AudioStatus | null;
	/** `held`: source clients kept off by `jdcast disconnect` until the profile's next start or reload. */
	jack: { client: string; ports: string[]; connections: [string, string][]; held: string[] } | null;
	outputs: OutputStatus[];
	recordings: RecordingStatus[];
	/** With `input.harbor`: who is connected, and who was refused. */
	harbor?: HarborStatus;
}

export interface ProcessStatus {
	pid: number;
	/** The longest the event loop (which moves every byte) was held up in the last minute, ms. */
	loopDelayMaxMs: number;
}

/**
 * Who feeds a mount of a server: a profile of this jdcast (its name), `"external"` (a source
 * outside this jdcast holds it: another machine's jdcast, a DJ's own software), or null (nobody:
 * its listeners are on the fallback, or disconnected where it has none).
 */
export type MountSource = string | null;

/** Why the source of a mount changed. */
export type MountChangeReason =
	| 'start'
	| 'handover'
	| 'schedule'
	| 'yield'
	| 'harbor'
	| 'stop'
	| 'external'
	| 'fallback';

/** One server's copy of a mount: its listeners and who feeds it. */
export interface MountOnServer {
	server: string;
	url: string;
	listeners: number | null;
	/** The profile feeding it, `"external"`, or null (nobody). */
	source: MountSource;
	/** ISO time the source became what it is (null: not known since this jdcast started). */
	sourceSince: string | null;
	/** Where listeners go while nobody feeds it (`servers.NAME.mounts`), null when none is set. */
	fallback: string | null;
	/** Who feeds the fallback (a profile here, `"external"`, or null: nobody — listeners hear nothing). */
	fallbackSource: MountSource;
	/** Its air check (`servers.NAME.mounts.MOUNT.record`): what listeners heard, null when it has none. */
	recording: RecordingStatus | null;
}

/** One mount name and its listeners, summed over every server that carries it (edge servers). */
export interface MountListeners {
	mount: string;
	/** Summed over the servers whose count is known; null while none is. */
	listeners: number | null;
	/** Per server (each listen URL once, whichever profile feeds it). */
	servers: MountOnServer[];
}

/** A mount's source changed (`mount` event). */
export interface MountEvent {
	/** The new source's profile name, or '' when it is `external` or nobody. */
	profile: string;
	server: string;
	mount: string;
	source: MountSource;
	previous: MountSource;
	since: string;
	reason: MountChangeReason;
}

/**
 * Listeners per mount name over every server, from the profiles' outputs (stopped profiles left
 * out); `holders` says who feeds each listen URL (the MountBroker's answer).
 */
export function listenersByMount(
	profiles: readonly ProfileStatus[],
	holders: (url: string) => Omit<MountOnServer, 'server' | 'url' | 'listeners'> = () => ({
		source: null,
		sourceSince: null,
		fallback: null,
		fallbackSource: null,
		recording: null,
	}),
): MountListeners[] {
	const mounts = new Map<string, Map<string, MountOnServer>>();
	for (const profile of profiles) {
		if (profile.state === 'stopped') continue;
		for (const o of profile.outputs) {
			const servers = mounts.get(o.mount) ?? new Map<string, MountOnServer>();
			mounts.set(o.mount, servers);
			const known = servers.get(o.url);
			if (!known || known.listeners === null)
				servers.set(o.url, { server: o.server, url: o.url, listeners: o.listeners, ...holders(o.url) });
		}
	}
	return [...mounts].map(([mount, servers]) => {
		const list = [...servers.values()];
		const counts = list.map((s) => s.listeners).filter((n): n is number => n !== null);
		return { mount, listeners: counts.length === 0 ? null : counts.reduce((a, b) => a + b, 0), servers: list };
	});
}

export interface StatusSnapshot {
	profiles: ProfileStatus[];
	/** Listeners per mount name, summed over every server that carries it. */
	mounts: MountListeners[];
	process: ProcessStatus;
	/** Present while a schedule (`jdcast up --schedule`) is in force. */
	schedule?: ScheduleStatus;
}

/**
 * The schedule beside the truth: `slot` is whom the schedule has on the shared mounts now,
 * `current` who really feeds them (a handover by hand, a yield for dead air, a DJ from outside
 * this jdcast — `"external"` — or nobody); `next` and `nextAt` the next slot.
 */
export interface ScheduleStatus {
	current: MountSource;
	slot: string | null;
	next: string | null;
	nextAt: string | null;
}

/** Listeners on one mount over the last hour, as the HTTP side keeps them (GET /api/listeners). */
export interface ListenerSeries {
	profile: string;
	server: string;
	mount: string;
	/** [unix seconds, listeners or null when unknown], oldest first. */
	points: [number, number | null][];
}

/** Dead air began (`since`: when it went quiet; `seconds` so far) or ended (`seconds` in all). */
export interface SilenceEvent {
	profile: string;
	state: 'started' | 'ended';
	since: string;
	seconds: number;
}

/** The answer to `jdcast disconnect` / `jdcast connect`: the JACK input's connections and held clients afterwards. */
export interface JackClientAnswer {
	profile: string;
	client: string;
	connections: [string, string][];
	held: string[];
}

/**
 * A handover: per shared mount, the milliseconds between FROM's last byte and TO's first (null: TO
 * took a mount that was free).
 */
export interface HandoverResult {
	from: string;
	to: string;
	mounts: { server: string; mount: string; gapMs: number | null }[];
}

/** Every event jdcast reports, each naming its profile. */
export interface JdcastEvents {
	profile: [{ profile: string; state: ProfileState; error: string | null }];
	/** `code`: the last error's code (E_ICECAST_SLOW, …), null when all is well. */
	output: [
		{
			profile: string;
			server: string;
			mount: string;
			format: Format;
			state: OutputState;
			error: string | null;
			code: string | null;
		},
	];
	retry: [
		{ profile: string; server: string; mount: string; attempt: number; delayMs: number; code: string; cause: string },
	];
	/** `path`: the file being written; `seconds`, `partBytes`: its length so far. */
	recording: [
		{ profile: string; path: string; state: RecordingState; error: string | null; seconds: number; partBytes: number },
	];
	encoder: [{ profile: string; pid: number | null; restarts: number; running: boolean; reason: string | null }];
	/** Our JACK client's ports, connections and held clients changed, or the JACK server came or went. */
	jack: [{ profile: string; serverRunning: boolean } & NonNullable<ProfileStatus['jack']>];
	stats: [{ profile: string; outputs: OutputStatus[]; recordings: RecordingStatus[] }];
	log: [{ profile: string; level: 'info' | 'warning' | 'error'; message: string }];
	metadata: [{ profile: string; nowPlaying: string; results: MetadataResult[] }];
	/** At most 10 a second per profile. */
	level: [{ profile: string } & AudioStatus];
	silence: [SilenceEvent];
	handover: [HandoverResult & { profile: string }];
	/** Who feeds a mount changed, and why. */
	mount: [MountEvent];
	/** A harbor's DJ came, went to air, left, or a connection was refused. */
	harbor: [HarborEvent];
	/** A backup took a shared mount from a holder that had gone silent, or could not. */
	failover: [FailoverEvent];
}

/** What a reload did, profile by profile. */
export interface ReloadResult {
	started: string[];
	stopped: string[];
	restarted: string[];
	unchanged: string[];
}

/** A reload's result in a line: "restarted dj-ben; started dj-cleo", or "nothing changed". */
export function describeReload(r: ReloadResult): string {
	const parts = (Object.entries(r) as [string, string[]][])
		.filter(([, names]) => names.length > 0)
		.map(([what, names]) => `${what} ${names.join(', ')}`);
	return parts.join('; ') || 'nothing changed';
}
