import type { MetadataResult } from '../metadata/types.js';
import type { Format } from '../profile/types.js';

export type ProfileState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
export type OutputState = 'connecting' | 'live' | 'retrying' | 'failed' | 'stopped';
export type RecordingState = 'recording' | 'stopped' | 'failed';

export interface OutputStatus {
	server: string;
	mount: string;
	format: Format;
	state: OutputState;
	bytesSent: number;
	/** Over the last few seconds. */
	kbps: number;
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
}

export interface RecordingStatus {
	path: string;
	state: RecordingState;
	bytes: number;
	lastError: string | null;
}

export interface ProfileStatus {
	name: string;
	state: ProfileState;
	lastError: string | null;
	encoder: { pid: number | null; restarts: number };
	jack: { client: string; ports: string[]; connections: [string, string][] } | null;
	outputs: OutputStatus[];
	recordings: RecordingStatus[];
}

export interface StatusSnapshot {
	profiles: ProfileStatus[];
}

/** Every event jdcast reports, each naming its profile. */
export interface JdcastEvents {
	profile: [{ profile: string; state: ProfileState; error: string | null }];
	output: [{ profile: string; server: string; mount: string; format: Format; state: OutputState; error: string | null }];
	retry: [{ profile: string; server: string; mount: string; attempt: number; delayMs: number; code: string; cause: string }];
	recording: [{ profile: string; path: string; state: RecordingState; error: string | null }];
	encoder: [{ profile: string; pid: number | null; restarts: number; running: boolean; reason: string | null }];
	jack: [{ profile: string; client: string; connections: [string, string][]; serverRunning: boolean }];
	stats: [{ profile: string; outputs: OutputStatus[]; recordings: RecordingStatus[] }];
	log: [{ profile: string; level: 'info' | 'warning' | 'error'; message: string }];
	metadata: [{ profile: string; nowPlaying: string; results: MetadataResult[] }];
}
