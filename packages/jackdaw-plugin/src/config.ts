import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** The plugin's own dict from Jackdaw's voice_assistant_config.json (`plugins.icecast_streamer`). */
export interface PluginConfig {
	enabled?: boolean;
	/** The old plugin's keys: one stream, described inline. */
	host?: string;
	port?: number;
	password?: string;
	/** Instead of `password`: the environment variable or the file (one line) that holds it. */
	password_env?: string;
	password_file?: string;
	mount?: string;
	bitrate?: number;
	format?: string;
	/** New: jdcast profile files or globs, for several streams; the old keys are then ignored. */
	profiles?: string[];
	/** The profile "take over the stream" hands the shared mounts to; default `jackdaw` (the old keys' profile). */
	take_over_profile?: string;
	/** Where jdcast's control socket is; default as `jdcast` finds it. */
	socket?: string;
	/** Where the plugin keeps the profile it writes and the log of the jdcast it starts. */
	state_dir?: string;
	/**
	 * The file Jackdaw's music player writes when a track starts (default `.now_playing.json` in
	 * Jackdaw's folder): its title, artist and album go to every mount. false: not followed.
	 */
	now_playing_file?: string | false;
	/** Jackdaw's folder (for jack_routing.json); default: the working directory. */
	jackdaw_dir?: string;
}

export function parseConfig(json: string): PluginConfig {
	const value = JSON.parse(json) as unknown;
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new Error('the plugin config must be a JSON object');
	return value as PluginConfig;
}

export function stateDir(config: PluginConfig): string {
	if (config.state_dir) return path.resolve(config.state_dir);
	const base = process.env.XDG_STATE_HOME ?? path.join(homedir(), '.local', 'state');
	return path.join(base, 'jdcast-jackdaw');
}

/**
 * The routing the old plugin restored: `jack_routing.json`'s `jackdaw_connections` pairs whose
 * destination is `jd_stream:…`, else Jackdaw's music player (jd_music:out_l/out_r). The old
 * plugin also tried system:capture — a microphone on air unasked — which jdcast leaves out.
 */
export async function jackdawRouting(config: PluginConfig): Promise<[string, string][]> {
	const file = path.join(config.jackdaw_dir ?? process.cwd(), 'jack_routing.json');
	try {
		const routing = JSON.parse(await readFile(file, 'utf8')) as { jackdaw_connections?: unknown };
		const pairs = Array.isArray(routing.jackdaw_connections) ? routing.jackdaw_connections : [];
		const ours = pairs.filter(
			(p): p is [string, string] =>
				Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' && p[1].startsWith('jd_stream:'),
		);
		if (ours.length) return ours.map(([from, to]) => [from, to.slice('jd_stream:'.length)]);
	} catch {
		// no routing file: the default below
	}
	return [
		['jd_music:out_l', 'input_1'],
		['jd_music:out_r', 'input_2'],
	];
}
