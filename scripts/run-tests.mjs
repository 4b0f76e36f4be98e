#!/usr/bin/env node
// Runs every test file with node's test runner (TypeScript through tsx).
// Unit tests: packages/*/test; integration tests (real icecast2, jackd, ffmpeg): test/.
// Each integration test owns its ports, JACK server and temp dir, so files run in parallel.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

function testFiles(dir) {
	let out = [];
	let entries;
	try {
		entries = readdirSync(dir);
	} catch {
		return out;
	}
	for (const name of entries) {
		const full = path.join(dir, name);
		if (name === 'node_modules' || name === 'fixtures') continue;
		if (statSync(full).isDirectory()) out = out.concat(testFiles(full));
		else if (/\.test\.(ts|mjs)$/.test(name)) out.push(full);
	}
	return out;
}

// JACK keeps at most 8 servers in a shared registry (/dev/shm) and reclaims the entry of a killed
// server only for one of the same name. When no jackd runs at all, whatever is there is left over
// (a jackd killed by hand, a crashed run): clear it, so that the tests' servers find room.
function jackdRuns() {
	return readdirSync('/proc').some((pid) => {
		try {
			return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'jackd';
		} catch {
			return false;
		}
	});
}
if (!jackdRuns()) {
	for (const entry of readdirSync('/dev/shm'))
		if (entry.startsWith('jack')) rmSync(`/dev/shm/${entry}`, { force: true, recursive: true });
}

const dirs = ['packages/core/test', 'packages/cli/test', 'packages/jackdaw-plugin/test', 'test'].map((d) =>
	path.join(root, d),
);
let files = dirs.flatMap(testFiles).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
// Three at a time: each integration test runs jackd, icecast2, ffmpeg and jdcast; on 2 cores more
// at once starve the dummy JACK clock, and recordings come out shorter than the wall time.
const concurrency = process.env.JDCAST_TEST_CONCURRENCY ?? '3';
const result = spawnSync(
	process.execPath,
	[
		'--import',
		'tsx',
		'--test',
		`--test-concurrency=${concurrency}`,
		'--test-timeout=180000',
		'--test-reporter=spec',
		...files,
	],
	{ stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
