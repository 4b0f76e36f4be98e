export type Severity = 'error' | 'warning';

export interface Position {
	line: number;
	col: number;
}

/** One problem in one file, pointing at the key or value a person has to change. */
export interface Diagnostic extends Position {
	file: string;
	severity: Severity;
	message: string;
}

/** `FILE:LINE:COL: message`; a profile built in code has no line (0): `NAME (object): message`. */
export function formatDiagnostic(d: Diagnostic): string {
	const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
	return d.severity === 'warning' ? `${where}: warning: ${d.message}` : `${where}: ${d.message}`;
}

export function formatPosition(file: string, at: Position): string {
	return `${file}:${at.line}:${at.col}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
	return diagnostics.some((d) => d.severity === 'error');
}
