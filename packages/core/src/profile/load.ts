import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { crossCheck } from './cross-check.js';
import { schemaDiagnostics, type PathView } from './messages.js';
import { normalizeProfile } from './normalize.js';
import { profileSchema } from './schema.js';
import { YamlSource } from './source.js';
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
	if (text.length > MAX_PROFILE_BYTES) return { diagnostics: [tooLarge(file, Buffer.byteLength(text))] };
	const result = loadWithinLimits(text, file);
	return { ...result, diagnostics: capped(result.diagnostics) };
}

function loadWithinLimits(text: string, file: string): LoadResult {
	const source = new YamlSource(file, text);
	if (hasErrors(source.syntaxDiagnostics)) return { diagnostics: source.syntaxDiagnostics };
	return validateData(source.data ?? {}, source, source.syntaxDiagnostics);
}

/** Validate an object against the profile schema, reporting positions in `source`. */
export function validateData(data: unknown, source: YamlSource, earlier: Diagnostic[] = [], view?: PathView): LoadResult {
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

/** Load several profile files and check them against each other. */
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
		diagnostics.push(...result.diagnostics);
		if (result.profile) profiles.push(result.profile);
	}
	diagnostics.push(...crossCheck(profiles));
	return { profiles, diagnostics, ok: !hasErrors(diagnostics) };
}

/** A regular file of at most MAX_PROFILE_BYTES, or the one sentence that says why not. */
async function readProfileFile(file: string): Promise<string | Diagnostic> {
	const problem = (message: string): Diagnostic => ({ file, line: 1, col: 1, severity: 'error', message });
	let handle;
	try {
		// Non-blocking: a FIFO must not hold a thread of Node's pool until someone writes to it.
		handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		return problem(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	try {
		const info = await handle.stat();
		if (!info.isFile()) return problem('not a regular file (a profile is a YAML file)');
		if (info.size > MAX_PROFILE_BYTES) return tooLarge(file, info.size);
		const bytes = Buffer.alloc(MAX_PROFILE_BYTES + 1);
		const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
		if (bytesRead > MAX_PROFILE_BYTES) return tooLarge(file, bytesRead);
		return bytes.toString('utf8', 0, bytesRead);
	} catch (error) {
		return problem(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	} finally {
		await handle.close();
	}
}

function tooLarge(file: string, bytes: number): Diagnostic {
	return { file, line: 1, col: 1, severity: 'error', message: `the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB; a profile may be at most ${MAX_PROFILE_BYTES / 1024 / 1024} MiB` };
}

function capped(diagnostics: Diagnostic[]): Diagnostic[] {
	if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
	const next = diagnostics[MAX_DIAGNOSTICS]!;
	const more = diagnostics.length - MAX_DIAGNOSTICS;
	return [...diagnostics.slice(0, MAX_DIAGNOSTICS), { ...next, message: `and ${more} more problem${more === 1 ? '' : 's'} from here on, not listed` }];
}
