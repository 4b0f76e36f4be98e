import { readFile } from 'node:fs/promises';
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

/** Parse, validate and normalize one profile text. Never throws for any input text. */
export function loadProfileText(text: string, file: string): LoadResult {
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
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			diagnostics.push({ file, line: 1, col: 1, severity: 'error', message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
			continue;
		}
		const result = loadProfileText(text, file);
		diagnostics.push(...result.diagnostics);
		if (result.profile) profiles.push(result.profile);
	}
	diagnostics.push(...crossCheck(profiles));
	return { profiles, diagnostics, ok: !hasErrors(diagnostics) };
}
