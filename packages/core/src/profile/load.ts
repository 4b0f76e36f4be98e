import { parse, stringify } from 'yaml';
import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import { isScheduleData } from '../schedule/recognise.js';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { crossCheck } from './cross-check.js';
import { schemaDiagnostics, type PathView } from './messages.js';
import { normalizeProfile } from './normalize.js';
import { preflight } from './preflight.js';
import { profileSchema } from './schema.js';
import { ObjectSource, type ProfileSource, YamlSource } from './source.js';
import type { Profile, RawProfile } from './types.js';

export interface LoadResult {
	/** Present when the text has no errors (warnings allowed). */
	profile?: Profile;
	diagnostics: Diagnostic[];
}

/** The largest profile jdcast reads: a real one is a few KiB; beyond this, parsing costs seconds and memory. */
export const MAX_PROFILE_BYTES = 1024 * 1024;
/** The most problems listed for one file: past that, one line says how many more there are. */
const MAX_DIAGNOSTICS = 50;

/** Parse, validate and normalize one profile text. Never throws for any input text. */
export function loadProfileText(text: string, file: string): LoadResult {
	if (text.length > MAX_PROFILE_BYTES) return { diagnostics: [tooLarge(file)] };
	const result = loadWithinLimits(text, file);
	return { ...result, diagnostics: capped(result.diagnostics) };
}

export interface ProfileObjectOptions {
	/** The profile's name when the object has none. */
	name?: string;
	/** Where relative paths (recordings, password files, input files) are read from; default: the working directory. */
	baseDir?: string;
}

/**
 * A profile built in code: checked by the same schema and rules as a file, its problems as
 * diagnostics whose message starts with the JSON path (`streams[1].bitrate: …`; no line, since
 * there is no file). Never throws for any value.
 */
export function loadProfileObject(value: unknown, options: ProfileObjectOptions = {}): LoadResult {
	const label = `${options.name ?? 'profile'} (object)`;
	const fail = (message: string): LoadResult => ({
		diagnostics: [{ file: label, line: 0, col: 0, severity: 'error', message }],
	});
	if (!value || typeof value !== 'object' || Array.isArray(value))
		return fail('a profile is an object with `servers` and `streams`');
	let text: string;
	try {
		const named =
			(value as { name?: unknown }).name === undefined ? { name: options.name ?? 'profile', ...value } : value;
		text = stringify(named);
	} catch (error) {
		return fail(`the profile object is not plain data: ${(error as Error).message}`);
	}
	if (text.length > MAX_PROFILE_BYTES)
		return fail(
			`the profile object is larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MiB written out, the most a profile may be`,
		);
	// Written out and read back: plain data only (what YAML can hold), checked as a profile file's is.
	const result = validateData(parse(text), new ObjectSource(label, options.baseDir ?? process.cwd()));
	return result.profile ? { ...result, profile: { ...result.profile, file: '' } } : result;
}

function loadWithinLimits(text: string, file: string): LoadResult {
	const source = new YamlSource(file, text);
	if (hasErrors(source.syntaxDiagnostics)) return { diagnostics: source.syntaxDiagnostics };
	// A schedule given where profiles go: one sentence that says so, not every key it lacks.
	if (isScheduleData(source.data))
		return {
			diagnostics: [
				{
					file,
					line: 1,
					col: 1,
					severity: 'error',
					message: 'this is a schedule, not a profile: pass it with --schedule (in code: loadScheduleFile)',
				},
			],
		};
	return validateData(source.data ?? {}, source, source.syntaxDiagnostics);
}

/** Validate an object against the profile schema, reporting positions in `source`. */
export function validateData(
	data: unknown,
	source: ProfileSource,
	earlier: Diagnostic[] = [],
	view?: PathView,
): LoadResult {
	const { schema, validate } = profileSchema();
	if (!validate(data)) {
		return { diagnostics: [...earlier, ...schemaDiagnostics(validate.errors ?? [], source, schema, data, view)] };
	}
	const { profile, diagnostics } = normalizeProfile(data as RawProfile, source);
	const all = [...earlier, ...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
	return hasErrors(all) ? { diagnostics: all } : { profile, diagnostics: all };
}

export interface LoadManyResult {
	profiles: Profile[];
	diagnostics: Diagnostic[];
	/** True when every file is valid and they do not clash with each other. */
	ok: boolean;
}

/**
 * Load several profile files and check them against each other, and against this machine: an
 * input file that is not there is an error, a password variable that is not set a warning.
 */
export async function loadProfileFiles(files: readonly string[]): Promise<LoadManyResult> {
	const diagnostics: Diagnostic[] = [];
	const profiles: Profile[] = [];
	for (const file of files) {
		const text = await readProfileFile(file);
		if (typeof text !== 'string') {
			diagnostics.push(text);
			continue;
		}
		const result = loadProfileText(text, file);
		if (!result.profile) {
			diagnostics.push(...result.diagnostics);
			continue;
		}
		// What the file needs from this machine (its input file, its password variables), in line order with the rest.
		const all = [...result.diagnostics, ...(await preflight(result.profile))];
		diagnostics.push(...all.sort((a, b) => a.line - b.line || a.col - b.col));
		profiles.push(result.profile);
	}
	diagnostics.push(...crossCheck(profiles));
	return { profiles, diagnostics, ok: !hasErrors(diagnostics) };
}

/** A regular file of at most MAX_PROFILE_BYTES, or the one sentence that says why not. */
async function readProfileFile(file: string): Promise<string | Diagnostic> {
	try {
		return (await readSmallFile(file, MAX_PROFILE_BYTES)).toString('utf8');
	} catch (error) {
		const { kind } = error as SmallFileError;
		if (kind === 'too-large') return tooLarge(file);
		return {
			file,
			line: 1,
			col: 1,
			severity: 'error',
			message: kind === 'not-file' ? 'not a regular file (a profile is a YAML file)' : `cannot read the file: ${kind}`,
		};
	}
}

function tooLarge(file: string): Diagnostic {
	return {
		file,
		line: 1,
		col: 1,
		severity: 'error',
		message: `the file is larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MiB, the most a profile may be`,
	};
}

function capped(diagnostics: Diagnostic[]): Diagnostic[] {
	if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
	const next = diagnostics[MAX_DIAGNOSTICS]!;
	const more = diagnostics.length - MAX_DIAGNOSTICS;
	return [
		...diagnostics.slice(0, MAX_DIAGNOSTICS),
		{ ...next, message: `and ${more} more problem${more === 1 ? '' : 's'} from here on, not listed` },
	];
}
