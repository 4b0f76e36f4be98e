import { formatDiagnostic, type Diagnostic } from '@jdcast/core';

export function printDiagnostics(
	diagnostics: readonly Diagnostic[],
	stream: NodeJS.WritableStream = process.stderr,
): void {
	for (const d of diagnostics) stream.write(`${formatDiagnostic(d)}\n`);
}
