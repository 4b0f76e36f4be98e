/**
 * Files being written by any recording of this process. Process-wide on purpose: two recordings (a
 * profile's and an air check, say) must never take each other's next name, and `keep` must never remove
 * a file another recording is still writing.
 */
const WRITING = new Set<string>();

/** `file` is being written from now on, until `releaseFile`. */
export function claimFile(file: string): void {
	WRITING.add(file);
}

export function releaseFile(file: string): void {
	WRITING.delete(file);
}

export function isBeingWritten(file: string): boolean {
	return WRITING.has(file);
}
