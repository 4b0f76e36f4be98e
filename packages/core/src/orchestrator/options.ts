/** How an Orchestrator runs its profiles (all optional). */
export interface OrchestratorOptions {
	/** ffmpeg binary; default `ffmpeg` from PATH. */
	ffmpeg?: string;
	/** Where `password_env` values are read (default: process.env). */
	env?: NodeJS.ProcessEnv;
	/** How often `stats` events are emitted (default 2000 ms). */
	statsIntervalMs?: number;
	/** icecast2 binary for embedded servers. */
	icecast2?: string;
	/** Burst-on-connect of embedded servers (default on, as Icecast's). */
	burstOnConnect?: boolean;
	/** Poll each server's /status-json.xsl for listener counts (default on). */
	listenerCounts?: boolean;
}
