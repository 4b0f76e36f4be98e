import { parseArgsStringToArgv } from 'string-argv';
import path from 'node:path';
import { formatLocation, type Diagnostic, type Location } from './diagnostic.js';
import { canonicalFormat, formatSpec } from '../formats/index.js';
import {
	DEFAULT_CHANNELS,
	DEFAULT_JACK_CLIENT,
	DEFAULT_MAX_GAIN,
	DEFAULT_NOW_PLAYING_INTERVAL,
	DEFAULT_SILENCE,
	DEFAULT_TONE_HZ,
	DEFAULT_TONE_LEVEL,
	DEFAULT_TRUE_PEAK,
} from './defaults.js';
import { largestMaxGain, PROCESSED_HZ } from '../plan/processing.js';
import { displayPath, type InstancePath, type ProfileSource } from './source.js';
import { encoding, type Report } from './encoding.js';
import { normalizeMountRecords, normalizeRecordings } from './recordings.js';
import { normalizeServers } from './servers.js';
import { normalizeHarbor } from './harbor.js';
import { didYouMean } from './suggest.js';
import type { ConnectRule, Input, Profile, RawProfile, RecordingSpec, SilenceConfig, StreamSpec } from './types.js';

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

	const input = raw.input?.harbor
		? normalizeHarbor(raw.input.harbor, source, report, at)
		: normalizeInput(raw, report, at);
	const servers = normalizeServers(raw, source, report, at);

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
				`${displayPath(where)}.format: ${s.format} is for recordings (record:) only; stream opus, vorbis, flac, mp3 or aac`,
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

	if (input.kind === 'harbor' && !streams.some((s) => s.shared))
		report(
			'warning',
			['input', 'harbor'],
			'input.harbor: no stream is `shared: true`: between DJs its listeners hear silence (a shared mount with a fallback gives them the autodj)',
			'key',
		);

	// A backup watches a mount only while it waits for it: a stream of this profile must take it in turns.
	for (const [serverName, server] of Object.entries(servers))
		for (const [mount, settings] of Object.entries(server.mounts))
			if (settings.failover && !streams.some((s) => s.shared && s.mount === mount && s.servers.includes(serverName)))
				report(
					'warning',
					['servers', serverName, 'mounts', mount, 'failover'],
					`servers.${serverName}.mounts.${mount}.failover: no stream of this profile feeds ${mount} with shared: true, so nothing here waits on it to take over`,
					'key',
				);

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

	const recordings = normalizeRecordings(raw.record ?? [], input.channels, report, at, input.kind === 'harbor');
	normalizeMountRecords(raw, streams, source.baseDir, servers, report, at);

	if (raw.processing) {
		checkProcessing(raw.processing, report);
		processedRates(streams, recordings, report);
	}
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
		nowPlaying: { interval: raw.now_playing?.interval ?? DEFAULT_NOW_PLAYING_INTERVAL },
		processing: raw.processing
			? {
					loudness: raw.processing.loudness,
					truePeak: raw.processing.true_peak ?? DEFAULT_TRUE_PEAK,
					maxGain: raw.processing.max_gain ?? DEFAULT_MAX_GAIN,
				}
			: null,
	};
	return { profile, diagnostics };
}

/** A gain the compressor cannot reach for that target (its threshold would fall below -60 dB) is said where it is asked. */
function checkProcessing(raw: NonNullable<RawProfile['processing']>, report: Report): void {
	const truePeak = raw.true_peak ?? DEFAULT_TRUE_PEAK;
	if (raw.loudness > truePeak - 3)
		report(
			'warning',
			['processing', 'loudness'],
			`processing.loudness: ${raw.loudness} LUFS is within 3 dB of true_peak ${truePeak} dBTP: the limiter, not the gain control, would set the level (a squashed sound)`,
		);
	const most = largestMaxGain(raw.loudness);
	const asked = raw.max_gain ?? DEFAULT_MAX_GAIN;
	if (asked > most)
		report(
			'error',
			['processing', raw.max_gain === undefined ? 'loudness' : 'max_gain'],
			`processing: with loudness ${raw.loudness} LUFS, max_gain can be at most ${most} dB (${asked} asked); raise the loudness or lower max_gain`,
		);
}

/**
 * Loudness control hands every encoder its programme at 48 kHz: an encoding without a rate of its own
 * is said to run at it (status, plan, the check of shared mounts), and a higher one is only resampled up.
 */
function processedRates(streams: StreamSpec[], recordings: RecordingSpec[], report: Report): void {
	for (const [key, list] of [
		['streams', streams],
		['record', recordings],
	] as const)
		list.forEach((e, i) => {
			if (e.samplerate === null) e.samplerate = PROCESSED_HZ;
			else if (e.samplerate > PROCESSED_HZ)
				report(
					'warning',
					[key, i, 'samplerate'],
					`${key}[${i}].samplerate: loudness control (processing:) runs at ${PROCESSED_HZ} Hz; ${e.samplerate} Hz only resamples it up`,
				);
		});
}

function silenceYields(raw: RawProfile): boolean {
	return typeof raw.silence === 'object' && raw.silence.action === 'yield';
}

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
		if (typeof rule === 'string') return { clients: [rule], except: [] };
		if (!Array.isArray(rule))
			return { clients: typeof rule.clients === 'string' ? [rule.clients] : rule.clients, except: rule.except ?? [] };
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
		takeBack: settings.take_back ?? DEFAULT_SILENCE.takeBack,
	};
	if (settings.run !== undefined) {
		// A command line is split as a shell would split words (quotes kept together), but no shell runs it.
		const argv = typeof settings.run === 'string' ? parseArgsStringToArgv(settings.run) : settings.run;
		if (argv.length === 0 || argv[0] === '') report('error', ['silence', 'run'], 'silence.run: names no command');
		else silence.run = argv;
	}
	if (settings.run_timeout !== undefined) silence.runTimeout = settings.run_timeout;
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
