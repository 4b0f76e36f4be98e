import path from 'node:path';
import { formatSpec } from '../formats/index.js';
import { formatLocation, type Location } from './diagnostic.js';
import { encoding, type Report } from './encoding.js';
import { displayPath, type InstancePath } from './source.js';
import { partSize } from './part-size.js';
import type { Encoding, MountRecordingSpec, RawProfile, RecordingSpec, ServerConfig, StreamSpec } from './types.js';

type At = (p: InstancePath, key?: 'key' | 'value') => Location;

/**
 * Control characters in a file name split CUE lines, log lines and terminal rows: never in a recording's
 * path. C0, DEL, C1 and the Unicode line and paragraph separators.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A profile's own recordings (`record:`): its own input, whoever is on air. */
export function normalizeRecordings(
	raw: NonNullable<RawProfile['record']>,
	inputChannels: number,
	report: Report,
	at: At,
	/** The input is a harbor: `{dj}` names the DJ of each set. */
	harbor = false,
): RecordingSpec[] {
	const seenPaths = new Map<string, string>();
	return raw.map((r, i) => {
		const where: InstancePath = ['record', i];
		const spec: RecordingSpec = {
			path: r.path,
			at: at([...where, 'path']),
			...encoding(r, inputChannels, where, report),
			split: split(r.split, [...where, 'split'], report),
			keep: keep(r.keep, [...where, 'keep'], report),
		};
		const first = seenPaths.get(r.path);
		if (first) report('error', [...where, 'path'], `record[${i}].path: ${r.path} is already recorded at ${first}`);
		else seenPaths.set(r.path, formatLocation(spec.at));
		checkPath(r.path, `record[${i}]`, [...where, 'path'], report);
		// {slot} and split: slot named the schedule's slot, not whose audio is in the file: an air check says that truly.
		if (r.path.includes('{slot}') || spec.split === 'slot')
			report(
				'error',
				[...where, r.path.includes('{slot}') ? 'path' : 'split'],
				`record[${i}]: a profile's own recording is always its own input; for a file per DJ of what listeners heard, record the mount: servers.NAME.mounts.MOUNT.record (its {slot} names who held it)`,
			);
		if (r.path.includes('{dj}') && !harbor)
			report(
				'error',
				[...where, 'path'],
				`record[${i}].path: {dj} names the DJ of a harbor (input.harbor), and this profile's input is not one`,
			);
		if (spec.keep) checkKeep(r.path, `record[${i}]`, [...where, 'keep'], report);
		checkKeepHoldsAPart(spec, spec, r, `record[${i}]`, [...where, 'keep'], report);
		// show.flac beside show.mp3: each keeps its own track lists (show.flac.cue, show.mp3.cue).
		const stem = (p: string) => p.slice(0, p.length - path.extname(p).length);
		spec.sidecarsWithExtension = raw.some((o) => o.path !== r.path && stem(o.path) === stem(r.path));
		checkExtension(r.path, spec.format, `record[${i}].path`, [...where, 'path'], report, 'warning');
		return spec;
	});
}

/**
 * Air checks (`servers.NAME.mounts.MOUNT.record`): the path, split and keep, and where this profile
 * streams the mount, that the file name fits the mount's format. Written into `servers`.
 */
export function normalizeMountRecords(
	raw: RawProfile,
	streams: readonly StreamSpec[],
	baseDir: string,
	servers: Record<string, ServerConfig>,
	report: Report,
	at: At,
): void {
	for (const [serverName, s] of Object.entries(raw.servers)) {
		for (const [mount, settings] of Object.entries(s.mounts ?? {})) {
			const r = settings.record;
			if (!r) continue;
			const where: InstancePath = ['servers', serverName, 'mounts', mount, 'record'];
			const label = `servers.${serverName}.mounts.${mount}.record`;
			const spec: MountRecordingSpec = {
				path: r.path,
				baseDir,
				// `slot` is what an air check does anyway: a new file at each change of source.
				split: ((n) => (n === 'slot' ? null : n))(split(r.split, [...where, 'split'], report)),
				keep: keep(r.keep, [...where, 'keep'], report),
				at: at([...where, 'path']),
			};
			checkPath(r.path, label, [...where, 'path'], report);
			if (r.path.includes('{profile}'))
				report(
					'error',
					[...where, 'path'],
					`${label}.path: an air check is no profile's: name its files with {slot} (who held the mount) and {date}`,
				);
			if (spec.keep) checkKeep(r.path, label, [...where, 'keep'], report);
			const stream = streams.find((st) => st.mount === mount && st.servers.includes(serverName));
			if (stream) checkExtension(r.path, stream.format, `${label}.path`, [...where, 'path'], report, 'error');
			if (stream) checkKeepHoldsAPart(spec, stream, r, label, [...where, 'keep'], report);
			servers[serverName]!.mounts[mount] = { ...servers[serverName]!.mounts[mount], record: spec };
		}
	}
}

function checkPath(file: string, label: string, where: InstancePath, report: Report): void {
	if (CONTROL.test(file))
		report('error', where, `${label}.path: has a control character (a newline, say); file names must be plain text`);
	else if (file.includes('"'))
		report(
			'error',
			where,
			`${label}.path: has a double quote ("), which a CUE sheet cannot name; use another character`,
		);
}

/**
 * `keep` by size below one part of `split`: every part would be removed as soon as it is closed (the
 * next one alone fills the keep). A warning: the estimate is rough (48 kHz where the input's rate is
 * not known yet, FLAC at its PCM size).
 */
function checkKeepHoldsAPart(
	{ keep, split }: Pick<RecordingSpec, 'keep' | 'split'>,
	encoding: Encoding,
	raw: { keep?: string; split?: string },
	label: string,
	where: InstancePath,
	report: Report,
): void {
	if (!keep || !('bytes' in keep) || typeof split !== 'number') return;
	const part = partSize(encoding, split);
	if (keep.bytes < part.bytes)
		report(
			'warning',
			where,
			`${label}.keep: ${raw.keep?.trim()} is less than one part of split ${raw.split?.trim()} (${part.said}): each part would be removed as soon as it is closed`,
		);
}

function checkKeep(file: string, label: string, where: InstancePath, report: Report): void {
	if (!path.basename(file).includes('{date}') || /\{date\}|\{slot\}|\{dj\}/.test(path.dirname(file)))
		report(
			'error',
			where,
			`${label}.keep: needs {date} in the file name (${path.basename(file)}) and no {date} or {slot} in its folder: jdcast removes only the files it can tell are this recording's`,
		);
}

function checkExtension(
	file: string,
	format: RecordingSpec['format'],
	label: string,
	where: InstancePath,
	report: Report,
	severity: 'error' | 'warning',
): void {
	const { extensions, kind } = formatSpec(format).recording;
	if (!extensions.includes(path.extname(file).toLowerCase()))
		report(
			severity,
			where,
			`${label}: a ${format} recording is ${kind}; expected a name ending in ${extensions.join(' or ')}`,
		);
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
 * `slot`: an air check's default (a file at each change of holder); refused for a profile's own recording.
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
