export type Severity = 'error' | 'warning';

export interface Position {
	line: number;
	col: number;
}

/** One problem in one file, pointing at the key or value a person has to change. */
export interface Diagnostic extends Location {
	severity: Severity;
	message: string;
}

/** `FILE:LINE:COL: message`; a profile built in code has no line (0): `NAME (object): message`. */
export function formatDiagnostic(d: Diagnostic): string {
	const where = formatLocation(d);
	return d.severity === 'warning' ? `${where}: warning: ${d.message}` : `${where}: ${d.message}`;
}

/** Where something was written: a file and the line and column in it (line 0: a profile built in code). */
export interface Location extends Position {
	file: string;
}

/** `FILE:LINE:COL`, or the label alone for a profile built in code. */
export function formatLocation(at: Location): string {
	return at.line > 0 ? `${at.file}:${at.line}:${at.col}` : at.file;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
	return diagnostics.some((d) => d.severity === 'error');
}
