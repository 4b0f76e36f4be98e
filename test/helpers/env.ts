import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import getPort from 'get-port';

let counter = 0;

/** A name no other test of any parallel process uses: for JACK servers and clients. */
export function uniqueName(prefix: string): string {
	return `${prefix}-${process.pid}-${++counter}`;
}

/**
 * A free port on 127.0.0.1, from a range no default service uses and below Linux's ephemeral ports
 * (32768 and up): a port drawn there could be taken, before its server binds it, by the local end of
 * any connection a test beside this one opens (an embedded icecast2 then "exits at start").
 */
export function freePort(): Promise<number> {
	return getPort({
		host: '127.0.0.1',
		port: Array.from({ length: 2000 }, (_, i) => 20000 + Math.floor(Math.random() * 10000) + i),
	});
}

/** A temp dir removed after the test, pass or fail. */
export function tempDir(t: TestContext): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-test-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** A process a wait is about: once it has exited, waiting longer for it is pointless. */
export interface WatchedProcess {
	child: ChildProcess;
	/** Resolves once it has exited and its output has all been read. */
	exited: Promise<number | null>;
	stderr(): string;
}

/** How the process ended, and the end of what it wrote to stderr, to say why a wait failed. */
export function exitReport(watched: WatchedProcess): string {
	const { exitCode, signalCode } = watched.child;
	return `jdcast exited (${signalCode ?? `code ${exitCode}`}): ${watched.stderr().slice(-1500)}`;
}

/**
 * Waits until `check` is truthy; fails the test with `what` after the timeout. With `process`, it
 * also fails as soon as that process has exited (after one last check), with its exit code and
 * stderr, instead of polling on for a result it can no longer give.
 */
export async function eventually<T>(
	check: () => T | Promise<T>,
	what: string,
	timeoutMs = 15_000,
	options: { process?: WatchedProcess } = {},
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	const watched = options.process;
	let gone = false;
	void watched?.exited.then(() => (gone = true));
	let last: unknown;
	for (;;) {
		// Read before the check, so that a process that ended meanwhile still gets this last check.
		const ended = gone;
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
		} catch (error) {
			last = error;
		}
		if (ended) throw new Error(`gave up waiting for ${what}: ${exitReport(watched!)}`);
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		let wake: NodeJS.Timeout | undefined;
		await Promise.race([new Promise((r) => (wake = setTimeout(r, 100))), ...(watched ? [watched.exited] : [])]);
		clearTimeout(wake);
	}
}
