import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import type { LoadResult } from './load.js';
import { validateData } from './load.js';
import type { PathView } from './messages.js';
import { YamlSource, type InstancePath, type PathSegment } from './source.js';
import { stringify } from 'yaml';

/** Jackdaw's `icecast_streamer` plugin settings as found in its config. */
export interface JackdawRaw {
	name: string;
	input: { jack: { client: string; channels: number } };
	servers: {
		jackdaw: { host: unknown; port: unknown; password?: unknown; password_env?: unknown; password_file?: unknown };
	};
	streams: { mount: unknown; format: string; bitrate?: unknown }[];
}

/** The old Jackdaw streaming plugin's defaults (plugins/icecast_streamer.py). */
export const JACKDAW_DEFAULTS = {
	host: 'localhost',
	port: 8000,
	password: 'hackme',
	mount: '/jackdaw.ogg',
	bitrate: 128,
	format: 'ogg',
} as const;

const JACKDAW_FORMATS = ['ogg', 'opus', 'flac', 'mp3', 'aac'];
const PLUGIN_PATH = ['plugins', 'icecast_streamer'] as const;

/** Where each key of the old plugin's config lands in the equivalent profile. */
const KEY_MAP: Record<string, InstancePath> = {
	host: ['servers', 'jackdaw', 'host'],
	port: ['servers', 'jackdaw', 'port'],
	password: ['servers', 'jackdaw', 'password'],
	// Beyond the old plugin: the password kept out of the config file, as in a profile.
	password_env: ['servers', 'jackdaw', 'password_env'],
	password_file: ['servers', 'jackdaw', 'password_file'],
	mount: ['streams', 0, 'mount'],
	bitrate: ['streams', 0, 'bitrate'],
	format: ['streams', 0, 'format'],
};

/**
 * The profile equivalent to a Jackdaw `voice_assistant_config.json`: one jack input `jd_stream`,
 * one server, one stream, with the old plugin's defaults. Errors point into the JSON file and use
 * its key names. An unknown format is an error here, not the old plugin's silent fallback.
 */
export function fromJackdawConfig(
	text: string,
	file = 'voice_assistant_config.json',
): LoadResult & { raw?: JackdawRaw } {
	const source = new YamlSource(file, text);
	if (source.syntaxDiagnostics.some((d) => d.severity === 'error')) return { diagnostics: source.syntaxDiagnostics };
	const root = source.data as Record<string, unknown> | undefined;
	const plugins = root?.plugins as Record<string, unknown> | undefined;
	const hasSection = plugins !== undefined && typeof plugins === 'object' && 'icecast_streamer' in plugins;
	// Accept either the whole Jackdaw config or the plugin's own dict.
	const inWhole = hasSection || (root !== undefined && typeof root === 'object' && 'plugins' in root);
	const config = ((inWhole ? plugins?.icecast_streamer : root) ?? {}) as Record<string, unknown>;
	const prefix: PathSegment[] = inWhole ? [...PLUGIN_PATH] : [];
	if (typeof config !== 'object' || Array.isArray(config)) {
		return {
			diagnostics: [
				{
					file,
					...source.position(prefix),
					severity: 'error',
					message: `${prefix.join('.') || 'config'}: must be a mapping of keys`,
				},
			],
		};
	}

	const value = <K extends keyof typeof JACKDAW_DEFAULTS>(key: K): unknown => config[key] ?? JACKDAW_DEFAULTS[key];
	const format = value('format');
	if (typeof format !== 'string' || !JACKDAW_FORMATS.includes(format)) {
		return {
			diagnostics: [
				{
					file,
					...source.position([...prefix, 'format']),
					severity: 'error',
					message: `${[...prefix, 'format'].join('.')}: ${JSON.stringify(format)} is not one of ${JACKDAW_FORMATS.join(', ')}`,
				},
			],
		};
	}
	const profile: JackdawRaw = {
		name: 'jackdaw',
		input: { jack: { client: 'jd_stream', channels: 2 } },
		servers: { jackdaw: { host: value('host'), port: value('port'), ...passwordKeys(config, value('password')) } },
		streams: [{ mount: value('mount'), format, ...(format === 'flac' ? {} : { bitrate: value('bitrate') }) }],
	};
	const view: PathView = (p) => {
		const entry = Object.entries(KEY_MAP).find(([, mapped]) => mapped.every((s, i) => p[i] === s));
		const shown = entry ? [...prefix, entry[0], ...p.slice(entry[1].length)] : [...prefix, ...p];
		return { shown, located: shown };
	};
	const result = validateData(profile, source, [], view);
	// The checks after the schema speak of the profile's paths: say them in the config's words.
	const diagnostics = result.diagnostics.map((d) => {
		const entry = Object.entries(KEY_MAP).find(([, mapped]) => d.message.startsWith(`${mapped.join('.')}:`));
		if (!entry) return d;
		const shown = [...prefix, entry[0]];
		return {
			...d,
			...source.position(shown),
			message: `${shown.join('.')}${d.message.slice(entry[1].join('.').length)}`,
		};
	});
	return { ...result, diagnostics, raw: profile };
}

/** The old plugin's `password` (default hackme), unless `password_env` or `password_file` is given. */
function passwordKeys(config: Record<string, unknown>, password: unknown): Record<string, unknown> {
	const keys = Object.fromEntries(
		(['password', 'password_env', 'password_file'] as const)
			.filter((k) => config[k] !== undefined)
			.map((k) => [k, config[k]]),
	);
	return Object.keys(keys).length ? keys : { password };
}

/** The password environment variable of profiles written by `jackdawProfileYaml`. */
export const JACKDAW_PASSWORD_ENV = 'JDCAST_JACKDAW_PASSWORD';

/**
 * The profile of a Jackdaw config as YAML text for `jdcast up`, with the password taken out: the
 * text names JDCAST_JACKDAW_PASSWORD instead, and `env` holds that variable, to be passed to
 * `jdcast up`: never written to a file or an argv.
 */
export function jackdawProfileYaml(
	text: string,
	file = 'voice_assistant_config.json',
	connect: [string, string][] = [],
): { yaml?: string; env?: Record<string, string>; diagnostics: LoadResult['diagnostics'] } {
	const result = fromJackdawConfig(text, file);
	if (!result.profile || !result.raw) return { diagnostics: result.diagnostics };
	const { password, ...server } = result.raw.servers.jackdaw;
	const input = { jack: { ...result.raw.input.jack, ...(connect.length ? { connect } : {}) } };
	// A password written in the config travels in an environment variable; password_env and password_file stay as
	// they are.
	const written = password !== undefined;
	const raw = {
		...result.raw,
		input,
		servers: { jackdaw: { ...server, ...(written ? { password_env: JACKDAW_PASSWORD_ENV } : {}) } },
	};
	const env: Record<string, string> = written ? { [JACKDAW_PASSWORD_ENV]: String(password) } : {};
	return {
		yaml: `# Written by jdcast from ${file} (plugins.icecast_streamer).\n${stringify(raw)}`,
		env,
		diagnostics: result.diagnostics,
	};
}

/** A Jackdaw config is a small JSON file: read with a bound, never blocking on a FIFO. */
const MAX_JACKDAW_CONFIG_BYTES = 1024 * 1024;

export async function fromJackdawConfigFile(file: string): Promise<LoadResult> {
	let text: string;
	try {
		text = (await readSmallFile(file, MAX_JACKDAW_CONFIG_BYTES)).toString('utf8');
	} catch (error) {
		return {
			diagnostics: [
				{ file, line: 1, col: 1, severity: 'error', message: `the Jackdaw config ${(error as SmallFileError).reason}` },
			],
		};
	}
	return fromJackdawConfig(text, file);
}
