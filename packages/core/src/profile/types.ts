/** The profile language as written (after schema validation), and as jdcast runs it (defaults applied). */
import type { Location } from './diagnostic.js';
import type { HarborInput, RawHarbor } from './harbor-types.js';
import type { PasswordSource } from './password.js';

export type { PasswordSource } from './password.js';

export type { HarborInput, HarborUser, RawHarbor, RawPassword } from './harbor-types.js';

export type Format = 'opus' | 'vorbis' | 'flac' | 'mp3' | 'aac' | 'wav';
/** AAC's profile: LC (ffmpeg's own encoder), HE-AAC v1 or v2 (libfdk_aac only). */
export type AacProfile = 'lc' | 'he' | 'he2';
export type FormatName = Format | 'ogg' | 'pcm';

export interface StreamInfo {
	name?: string;
	description?: string;
	genre?: string;
	url?: string;
	public?: boolean;
	/** "Now playing" at start. */
	title?: string;
	artist?: string;
}

/**
 * A JACK connection into our client, kept whatever happens to it: every client whose name a
 * pattern matches (`"*"`, `"jacktrip-*"`, or a plain name), each one's outputs in order, or one
 * explicit pair.
 */
export type ConnectRule = { clients: string[]; except: string[] } | { from: string; to: string };

export interface JackInput {
	kind: 'jack';
	client: string;
	/** JACK server name; undefined: the environment's default. */
	server?: string;
	channels: number;
	connect: ConnectRule[];
	/** Where (file, line, column): the client name (or of the input), for messages. */
	at: Location;
}

export interface ToneInput {
	kind: 'tone';
	frequency: number;
	channels: number;
	/** Peak level of the sine, dBFS. */
	level: number;
}

export interface FileInput {
	kind: 'file';
	path: string;
	loop: boolean;
	channels: number;
	/** Where (file, line, column): the path, for messages. */
	at: Location;
}

export type Input = JackInput | ToneInput | FileInput | HarborInput;

export interface ServerConfig {
	name: string;
	host: string;
	port: number;
	user: string;
	password: PasswordSource;
	tls: boolean;
	/** Absolute path of a PEM file: the CA that TLS connections to this server trust (instead of the system's). */
	tlsCa?: string;
	/** A private icecast2 that jdcast starts on 127.0.0.1:port. */
	embedded: boolean;
	/** Icecast's per-mount settings (`mounts:`): where listeners go while nobody feeds a mount. */
	mounts: Record<string, MountSettings>;
	/** Admin credentials for metadata updates of MP3 and AAC mounts; undefined: the source credentials. */
	admin?: { user: string; password: PasswordSource };
	/** Where (file, line, column): the server's entry, for messages. */
	at: Location;
}

export interface MountSettings {
	/** The mount listeners hear while nobody feeds this one (Icecast's fallback-mount, with fallback-override). */
	fallback?: string;
	/** Fed from the fallback's profile of this jdcast while no DJ holds it, on the same connection (no move). */
	keep?: boolean;
	/** An air check of the mount: what its listeners heard, whoever fed it. */
	record?: MountRecordingSpec;
	/** A backup: the holder that delivers nothing for `after` seconds is removed (killsource) and the mount taken. */
	failover?: { after: number };
}

/** `servers.NAME.mounts.MOUNT.record`: its encoding is the mount's, whichever source feeds it. */
export interface MountRecordingSpec {
	/** As written: `{date}` and `{slot}` (who held the mount) not yet expanded. */
	path: string;
	/** The folder a relative path is read from: the profile's that says it. */
	baseDir: string;
	/** Seconds: also a new file at each multiple of this on the wall clock; null: only at each change of source. */
	split: number | null;
	keep: RecordingSpec['keep'];
	at: Location;
}

/** `mounts:` as written in a profile. */
export interface RawMountSettings {
	fallback?: string;
	keep?: boolean;
	failover?: { after?: number | string };
	record?: { path: string; split?: string; keep?: string };
}

export interface Encoding {
	format: Format;
	/** kbps; null for flac (lossless). */
	bitrate: number | null;
	channels: number;
	/** Hz; null: the input's rate. */
	samplerate: number | null;
	/** aac only: LC unless HE-AAC is asked for. */
	profile?: AacProfile;
}

export interface StreamSpec extends Encoding {
	mount: string;
	/** Taken in turns with other sources (`shared: true`): waits while another holds the mount. */
	shared: boolean;
	servers: string[];
	info: StreamInfo;
	at: Location;
}

export interface RecordingSpec extends Encoding {
	/** The path as written, with {profile} and {date} not yet expanded. */
	path: string;
	/**
	 * Seconds: a new file at each multiple of this on the wall clock (`split: 1h`); null: one file.
	 * 'slot' is what a profile's file says only to be refused (validate points to the air check).
	 */
	split: number | 'slot' | null;
	/** Older files of this recording removed beyond this age or total size (`keep: 30d`, `keep: 50GB`). */
	keep: { seconds: number } | { bytes: number } | null;
	/**
	 * Another recording of the profile has the same name but for its ending: sidecars named
	 * `show.flac.cue`, not `show.cue`.
	 */
	sidecarsWithExtension?: boolean;
	at: Location;
}

/** Dead-air detection (`silence:`). */
export interface SilenceConfig {
	/** dBFS: every channel's 400 ms RMS below this is silence. */
	threshold: number;
	/** Seconds of silence before it is reported. */
	after: number;
	/** Command run on start and end of silence, as argv (no shell). */
	run?: string[];
	/** Seconds a run (and whatever it started in its process group) may last before its group is ended (default 60). */
	runTimeout?: number;
	/** URL the silence events are POSTed to. */
	webhook?: string;
	/** yield: shared mounts are released while silent (their fallback takes the listeners). */
	action: 'alarm' | 'yield';
	/** Seconds of sound before mounts released for dead air are taken back. */
	takeBack: number;
}

export interface Profile {
	name: string;
	/** Where (file, line, column): the name (or of the file's start when the name comes from the file name). */
	at: Location;
	/** The file the profile came from ('' when built in memory). */
	file: string;
	/** Folder that relative recording and password-file paths are read from. */
	baseDir: string;
	input: Input;
	servers: Record<string, ServerConfig>;
	info: StreamInfo;
	streams: StreamSpec[];
	recordings: RecordingSpec[];
	/** false: no dead-air detection. */
	silence: SilenceConfig | false;
	/** `low`: Ogg pages of 20 ms; `normal`: 100 ms (fewer wake-ups, ~0.1 s more latency). */
	latency: 'low' | 'normal';
	/** "Now playing": at most one change per target (an Ogg encoding, an MP3 mount, a recording) every `interval` seconds (default 1). */
	nowPlaying?: { interval: number };
	/** Loudness control before every encode (`processing:`); null: the input goes to air as it is. */
	processing?: Processing | null;
}

/** One automatic gain control and true-peak limiter per profile, before every encode. */
export interface Processing {
	/** Target loudness, LUFS (-16 for streaming, -23 for EBU R128 broadcast). */
	loudness: number;
	/** The most a true peak may reach, dBTP. */
	truePeak: number;
	/** The most gain a quiet input is given, dB. */
	maxGain: number;
}

/** The profile object as the schema accepts it. */
export interface RawProfile {
	name?: string;
	input?: {
		jack?: {
			client?: string;
			server?: string;
			channels?: number;
			connect?: (string | [string, string] | { clients: string | string[]; except?: string[] })[];
		};
		tone?: { frequency?: number; channels?: number; level?: number };
		file?: { path: string; loop?: boolean; channels?: number };
		harbor?: RawHarbor;
	};
	servers: Record<
		string,
		{
			host?: string;
			port?: number;
			user?: string;
			password?: string;
			password_env?: string;
			password_file?: string;
			tls?: boolean;
			tls_ca?: string;
			embedded?: boolean;
			mounts?: Record<string, RawMountSettings>;
			admin_user?: string;
			admin_password?: string;
			admin_password_env?: string;
			admin_password_file?: string;
		}
	>;
	info?: StreamInfo;
	streams: (RawEncoding & { mount: string; servers?: string[]; info?: StreamInfo; shared?: boolean })[];
	record?: (RawEncoding & { path: string; split?: string; keep?: string })[];
	silence?:
		| boolean
		| {
				threshold?: number;
				after?: number;
				run?: string | string[];
				run_timeout?: number;
				webhook?: string;
				action?: 'alarm' | 'yield';
				take_back?: number;
		  };
	latency?: 'low' | 'normal';
	now_playing?: { interval?: number };
	processing?: { loudness: number; true_peak?: number; max_gain?: number };
}

export interface RawEncoding {
	format: FormatName;
	bitrate?: number;
	channels?: number;
	samplerate?: number;
	/** aac only. */
	profile?: AacProfile;
}
