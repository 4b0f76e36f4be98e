import { readFileSync, statSync } from 'node:fs';
import { parseArgsStringToArgv } from 'string-argv';
import path from 'node:path';
import { formatLocation, type Diagnostic, type Location } from './diagnostic.js';
import { canonicalFormat, formatSpec } from '../formats/index.js';
import {
	DEFAULT_CHANNELS,
	DEFAULT_JACK_CLIENT,
	DEFAULT_PORT,
	DEFAULT_SILENCE,
	DEFAULT_TONE_HZ,
	DEFAULT_TONE_LEVEL,
	DEFAULT_USER,
} from './defaults.js';
import { displayPath, type InstancePath, type ProfileSource } from './source.js';
import { READABLE_BY_OTHERS } from './secrets.js';
import { didYouMean } from './suggest.js';
import type {
	ConnectRule,
	Encoding,
	Input,
	PasswordSource,
	Profile,
	RawEncoding,
	RawProfile,
	RecordingSpec,
	ServerConfig,
	SilenceConfig,
} from './types.js';

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * A schema-valid profile with every default applied, plus the problems the schema cannot see
 * (references between keys, limits that depend on the input, file permissions).
 */
export function normalizeProfile(
	raw: RawProfile,
	source: ProfileSource,
): { profile: Profile; diagnostics: Diagnostic[] } {
	const diagnostics: Diagnostic[] = [];
	const at = (p: InstancePath, key: 'key' | 'value' = 'value'): Location => ({
		file: source.file,
		...source.position(p, key),
	});
	const report = (severity: Diagnostic['severity'], p: InstancePath, message: string, key: 'key' | 'value' = 'value') =>
		diagnostics.push({ file: source.file, ...source.position(p, key), severity, message });

	const name = raw.name ?? path.basename(source.file).replace(/\.[^.]*$/, '');
	if (raw.name === undefined && !NAME_PATTERN.test(name)) {
		report(
			'error',
			[],
			`profile name ${JSON.stringify(name)} (from the file name) is not valid: add a \`name:\` of lower-case letters, digits, - and _`,
		);
	}

	const input = normalizeInput(raw, report, at);
	const servers: Record<string, ServerConfig> = {};
	for (const [serverName, s] of Object.entries(raw.servers)) {
		const embedded = s.embedded === true;
		servers[serverName] = {
			name: serverName,
			host: embedded ? '127.0.0.1' : s.host!,
			port: s.port ?? DEFAULT_PORT,
			user: s.user ?? DEFAULT_USER,
			password: passwordSource(s, embedded),
			tls: s.tls ?? s.tls_ca !== undefined,
			...(s.tls_ca === undefined ? {} : { tlsCa: path.resolve(source.baseDir, s.tls_ca) }),
			embedded,
			mounts: s.mounts ?? {},
			...adminOf(s, embedded),
			at: at(['servers', serverName], 'key'),
		};
		if (s.tls === false && s.tls_ca !== undefined)
			report(
				'error',
				['servers', serverName, 'tls_ca'],
				`servers.${serverName}.tls_ca: a CA for TLS, but tls is false; remove one of them`,
				'key',
			);
		else if (s.tls_ca !== undefined)
			warnUnusableCa(servers[serverName]!.tlsCa!, ['servers', serverName, 'tls_ca'], report);
		for (const key of ['password', 'admin_password'] as const) {
			if (s[key] !== undefined) warnReadablePassword(source.file, ['servers', serverName, key], report);
		}
		for (const key of ['password_file', 'admin_password_file'] as const) {
			const file = s[key];
			if (file !== undefined)
				warnReadableFile(path.resolve(source.baseDir, file), ['servers', serverName, key], report);
		}
	}

	const serverNames = Object.keys(servers);
	const streams = raw.streams.map((s, i) => {
		const where: InstancePath = ['streams', i];
		for (const [j, ref] of (s.servers ?? []).entries()) {
			if (!servers[ref]) {
				report(
					'error',
					[...where, 'servers', j],
					`${displayPath(where)}.servers[${j}]: no server named ${JSON.stringify(ref)}; servers are ${serverNames.join(', ')}${didYouMean(ref, serverNames)}`,
				);
			}
		}
		if (formatSpec(canonicalFormat(s.format)).contentType === null) {
			report(
				'error',
				[...where, 'format'],
				`${displayPath(where)}.format: ${s.format} is for recordings (record:) only; stream opus, vorbis, flac or mp3`,
			);
		}
		return {
			mount: s.mount,
			shared: s.shared ?? false,
			servers: s.servers ?? serverNames,
			info: { ...raw.info, ...s.info },
			at: at([...where, 'mount']),
			...encoding(s, input.channels, where, report),
		};
	});

	for (const [serverName, s] of Object.entries(raw.servers)) {
		for (const [mount, settings] of Object.entries(s.mounts ?? {})) {
			if (settings.fallback === mount)
				report(
					'error',
					['servers', serverName, 'mounts', mount, 'fallback'],
					`servers.${serverName}.mounts.${mount}.fallback: a mount cannot fall back to itself`,
				);
		}
	}
	if (silenceYields(raw) && !streams.some((s) => s.shared)) {
		report(
			'warning',
			['silence', 'action'],
			'silence.action: yield releases shared mounts, and no stream of this profile is `shared: true`: nothing will yield',
		);
	}

	const seenMounts = new Map<string, string>();
	for (const [i, s] of streams.entries()) {
		for (const server of s.servers) {
			const key = `${server}\u0000${s.mount}`;
			const first = seenMounts.get(key);
			if (first)
				report(
					'error',
					['streams', i, 'mount'],
					`streams[${i}].mount: ${s.mount} on server ${server} is already fed at ${first}`,
				);
			else seenMounts.set(key, formatLocation(s.at));
		}
	}

	const seenPaths = new Map<string, string>();
	const recordings = (raw.record ?? []).map((r, i) => {
		const where: InstancePath = ['record', i];
		const spec: RecordingSpec = {
			path: r.path,
			at: at([...where, 'path']),
			...encoding(r, input.channels, where, report),
			split: split(r.split, [...where, 'split'], report),
			keep: keep(r.keep, [...where, 'keep'], report),
		};
		const first = seenPaths.get(r.path);
		if (first) report('error', [...where, 'path'], `record[${i}].path: ${r.path} is already recorded at ${first}`);
		else seenPaths.set(r.path, formatLocation(spec.at));
		const ext = path.extname(r.path).toLowerCase();
		if (spec.keep && (!path.basename(r.path).includes('{date}') || /\{date\}|\{slot\}/.test(path.dirname(r.path)))) {
			report(
				'error',
				[...where, 'keep'],
				`record[${i}].keep: needs {date} in the file name (${path.basename(r.path)}) and no {date} or {slot} in its folder: jdcast removes only the files it can tell are this recording's`,
			);
		}
		// show.flac beside show.mp3: each keeps its own track lists (show.flac.cue, show.mp3.cue).
		const stem = (p: string) => p.slice(0, p.length - path.extname(p).length);
		spec.sidecarsWithExtension = (raw.record ?? []).some((o) => o.path !== r.path && stem(o.path) === stem(r.path));
		const { extensions, kind } = formatSpec(spec.format).recording;
		if (!extensions.includes(ext)) {
			report(
				'warning',
				[...where, 'path'],
				`record[${i}].path: a ${spec.format} recording is ${kind}; expected a name ending in ${extensions.join(' or ')}`,
			);
		}
		return spec;
	});

	const profile: Profile = {
		name: raw.name ?? name,
		at: at(raw.name !== undefined ? ['name'] : []),
		file: source.file,
		baseDir: source.baseDir,
		input,
		servers,
		info: raw.info ?? {},
		streams,
		recordings,
		silence: normalizeSilence(raw.silence, report),
		latency: raw.latency ?? 'low',
	};
	return { profile, diagnostics };
}

function silenceYields(raw: RawProfile): boolean {
	return typeof raw.silence === 'object' && raw.silence.action === 'yield';
}

type Report = (severity: Diagnostic['severity'], p: InstancePath, message: string, key?: 'key' | 'value') => void;

function normalizeInput(raw: RawProfile, report: Report, at: (p: InstancePath) => Location): Input {
	const { jack, tone, file } = raw.input ?? {};
	if (tone)
		return {
			kind: 'tone',
			frequency: tone.frequency ?? DEFAULT_TONE_HZ,
			channels: tone.channels ?? DEFAULT_CHANNELS,
			level: tone.level ?? DEFAULT_TONE_LEVEL,
		};
	if (file) {
		const { loop = false, channels = DEFAULT_CHANNELS } = file;
		return { kind: 'file', path: file.path, loop, channels, at: at(['input', 'file', 'path']) };
	}
	const channels = jack?.channels ?? DEFAULT_CHANNELS;
	const connect: ConnectRule[] = (jack?.connect ?? []).map((rule, i) => {
		if (typeof rule === 'string') return { client: rule };
		const [from, to] = rule;
		const port = Number(to.slice('input_'.length));
		if (port > channels) {
			report(
				'error',
				['input', 'jack', 'connect', i, 1],
				`input.jack.connect[${i}]: ${to} does not exist: the client has ${channels} input${channels === 1 ? '' : 's'} (input_1..input_${channels})`,
			);
		}
		return { from, to };
	});
	return {
		kind: 'jack',
		client: jack?.client ?? DEFAULT_JACK_CLIENT,
		...(jack?.server !== undefined && jack.server !== 'default' ? { server: jack.server } : {}),
		channels,
		connect,
		at: at(['input', 'jack', 'client']),
	};
}

function normalizeSilence(raw: RawProfile['silence'], report: Report): SilenceConfig | false {
	if (raw === false) return false;
	const settings = raw === true || raw === undefined ? {} : raw;
	const silence: SilenceConfig = {
		threshold: settings.threshold ?? DEFAULT_SILENCE.threshold,
		after: settings.after ?? DEFAULT_SILENCE.after,
		action: settings.action ?? 'alarm',
	};
	if (settings.run !== undefined) {
		// A command line is split as a shell would split words (quotes kept together), but no shell runs it.
		const argv = typeof settings.run === 'string' ? parseArgsStringToArgv(settings.run) : settings.run;
		if (argv.length === 0 || argv[0] === '') report('error', ['silence', 'run'], 'silence.run: names no command');
		else silence.run = argv;
	}
	if (settings.webhook !== undefined) {
		try {
			new URL(settings.webhook);
			silence.webhook = settings.webhook;
		} catch {
			report('error', ['silence', 'webhook'], 'silence.webhook: not a valid URL');
		}
	}
	return silence;
}

function encoding(raw: RawEncoding, inputChannels: number, where: InstancePath, report: Report): Encoding {
	const format = canonicalFormat(raw.format);
	const spec = formatSpec(format);
	const label = displayPath(where);
	if (spec.defaultBitrate === null && raw.bitrate !== undefined) {
		report('warning', [...where, 'bitrate'], `${label}.bitrate: ${format} is lossless; bitrate is ignored`);
	}
	if (spec.fixedSamplerate !== null && raw.samplerate !== undefined && raw.samplerate !== spec.fixedSamplerate) {
		report(
			'warning',
			[...where, 'samplerate'],
			`${label}.samplerate: ${format} always encodes at ${spec.fixedSamplerate} Hz; ${raw.samplerate} is ignored`,
		);
	}
	const channels = raw.channels ?? inputChannels;
	// ffmpeg's Opus encoder refuses the layouts a JACK input of 3 or more channels has (measured: "Invalid channel
	// layout 2.1").
	if (channels > spec.maxChannels.count) {
		report(
			'error',
			[...where, raw.channels === undefined ? 'format' : 'channels'],
			`${label}: ${spec.maxChannels.advice.replace('N', String(channels))}`,
		);
	}
	return {
		format,
		bitrate: spec.defaultBitrate === null ? null : (raw.bitrate ?? spec.defaultBitrate),
		channels,
		samplerate: spec.fixedSamplerate ?? raw.samplerate ?? null,
	};
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const UNIT_BYTES: Record<string, number> = {
	kb: 1e3,
	mb: 1e6,
	gb: 1e9,
	tb: 1e12,
	kib: 1024,
	mib: 1024 ** 2,
	gib: 1024 ** 3,
	tib: 1024 ** 4,
};

/**
 * `split: 1h` (also 30m, 10s): a new file at each multiple of it on the wall clock, at least 10 s;
 * `slot`: at each slot of the schedule.
 */
function split(value: string | undefined, where: InstancePath, report: Report): RecordingSpec['split'] {
	if (value === undefined) return null;
	if (value.trim() === 'slot') return 'slot';
	const match = /^(\d+)\s*(s|m|h)$/.exec(value.trim());
	const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : NaN;
	if (!(seconds >= 10 && seconds <= 7 * 86_400)) {
		report(
			'error',
			where,
			`${displayPath(where)}: give a duration from 10s to 168h, like 1h, 30m or 10s (not ${JSON.stringify(value)})`,
		);
		return null;
	}
	return seconds;
}

/** `keep: 30d` (or 12h) by age, `keep: 50GB` (or MB, TB, GiB…) by total size. */
function keep(value: string | undefined, where: InstancePath, report: Report): RecordingSpec['keep'] {
	if (value === undefined) return null;
	const text = value.trim().toLowerCase();
	const age = /^(\d+)\s*(h|d)$/.exec(text);
	if (age && Number(age[1]) > 0) return { seconds: Number(age[1]) * UNIT_SECONDS[age[2]!]! };
	const size = /^(\d+(?:\.\d+)?)\s*(kb|mb|gb|tb|kib|mib|gib|tib)$/.exec(text);
	if (size && Number(size[1]) > 0) return { bytes: Math.round(Number(size[1]) * UNIT_BYTES[size[2]!]!) };
	report(
		'error',
		where,
		`${displayPath(where)}: give an age (30d, 12h) or a total size (50GB, 500MB), not ${JSON.stringify(value)}`,
	);
	return null;
}

function passwordSource(s: RawProfile['servers'][string], embedded: boolean): PasswordSource {
	if (embedded) return { kind: 'generated' };
	return sourceOf(s.password, s.password_env, s.password_file)!;
}

function adminOf(s: RawProfile['servers'][string], embedded: boolean): Pick<ServerConfig, 'admin'> {
	if (embedded) return { admin: { user: 'admin', password: { kind: 'generated' } } };
	const password = sourceOf(s.admin_password, s.admin_password_env, s.admin_password_file);
	return password ? { admin: { user: s.admin_user ?? 'admin', password } } : {};
}

function sourceOf(
	inline: string | undefined,
	env: string | undefined,
	file: string | undefined,
): PasswordSource | undefined {
	if (inline !== undefined) return { kind: 'inline', value: inline };
	if (env !== undefined) return { kind: 'env', name: env };
	if (file !== undefined) return { kind: 'file', path: file };
	return undefined;
}

/** The mode of a file that group or others can read; undefined when they cannot, or it is not there (yet). */
function readableByOthers(file: string): number | undefined {
	try {
		const mode = statSync(file).mode & 0o777;
		return (mode & READABLE_BY_OTHERS) !== 0 ? mode : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A CA file that is not there or holds no certificate: TLS to the server will fail until it does (read
 * again at each connection).
 */
function warnUnusableCa(file: string, where: InstancePath, report: Report): void {
	let problem: string | undefined;
	try {
		const info = statSync(file);
		if (!info.isFile()) problem = 'is not a regular file';
		else if (info.size > 1024 * 1024) problem = 'is larger than 1 MiB';
		else if (!readFileSync(file, 'utf8').includes('-----BEGIN CERTIFICATE-----'))
			problem = 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
	} catch (error) {
		problem = `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`;
	}
	if (problem)
		report(
			'warning',
			where,
			`${displayPath(where)}: ${file} ${problem}; connections to this server fail until it holds the CA's certificate`,
		);
}

/** A password file that others can read: say so. */
function warnReadableFile(file: string, where: InstancePath, report: Report): void {
	const mode = readableByOthers(file);
	if (mode !== undefined)
		report(
			'warning',
			where,
			`${displayPath(where)}: ${file} can be read by group or others (mode ${mode.toString(8)}); chmod 600 ${file}`,
		);
}

/** A password written in a file others can read is a leak waiting to happen: say so. */
function warnReadablePassword(file: string, where: InstancePath, report: Report): void {
	const mode = readableByOthers(file);
	if (mode !== undefined)
		report(
			'warning',
			where,
			`${displayPath(where)}: a password written in a file that group or others can read (mode ${mode.toString(8)}); use password_env or password_file, or chmod 600 ${file}`,
		);
}
