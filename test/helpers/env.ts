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

/** A free port on 127.0.0.1, from a range no default service uses. */
export function freePort(): Promise<number> {
	return getPort({
		host: '127.0.0.1',
		port: Array.from({ length: 2000 }, (_, i) => 20000 + Math.floor(Math.random() * 30000) + i),
	});
}

/** A temp dir removed after the test, pass or fail. */
export function tempDir(t: TestContext): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'jdcast-test-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** Waits until `check` is truthy; fails the test with `what` after the timeout. */
export async function eventually<T>(
	check: () => T | Promise<T>,
	what: string,
	timeoutMs = 15_000,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
