#!/usr/bin/env node
// The import graph of packages/core/src, checked (npm run lint): no cycle, type imports included,
// and no import upward through the layers docs/architecture.md draws — model → media → engine →
// adapters; the entry points (index.ts, internal.ts, testing.ts, jackdaw.ts, http.ts) may import
// any layer. A file whose layer is not listed here fails the check: a new folder is placed on purpose.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = new URL('../packages/core/src/', import.meta.url).pathname;
/** First match wins: [path prefix under src/, layer]. */
const LAYERS = [
	['index.ts', 'entry'],
	['internal.ts', 'entry'],
	['testing.ts', 'entry'],
	['jackdaw.ts', 'entry'],
	['http.ts', 'entry'],
	['schedule/scheduler.ts', 'adapters'],
	['control/', 'adapters'],
	['http/', 'adapters'],
	['orchestrator/', 'engine'],
	['supervisor/', 'engine'],
	['encoder/', 'media'],
	['fanout/', 'media'],
	['ogg/', 'media'],
	['mp3/', 'media'],
	['aac/', 'media'],
	['harbor/', 'media'],
	['frames/', 'media'],
	['outputs/', 'media'],
	['icecast/', 'media'],
	['jack/', 'media'],
	['signal/', 'media'],
	['listeners/', 'media'],
	['metadata/types.ts', 'model'],
	['metadata/', 'media'],
	['schedule/', 'model'],
	['errors/', 'model'],
	['util/', 'model'],
	['profile/', 'model'],
	['plan/', 'model'],
	['formats/', 'model'],
	['status/', 'model'],
];
const RANK = { model: 0, media: 1, engine: 2, adapters: 3, entry: 4 };

const files = [];
(function walk(dir) {
	for (const name of readdirSync(dir)) {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) {
			if (name !== 'generated') walk(full);
		} else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) files.push(full);
	}
})(root);

const problems = [];
const layerOf = (file) => {
	const rel = path.relative(root, file);
	const found = LAYERS.find(([prefix]) => rel === prefix || (prefix.endsWith('/') && rel.startsWith(prefix)));
	if (!found) problems.push(`${rel}: in no layer (place it in scripts/layers.mjs)`);
	return found?.[1] ?? 'model';
};

/** Every relative import of a file: static, type-only, re-exports and import(). */
const graph = new Map();
for (const file of files) {
	const text = readFileSync(file, 'utf8');
	const deps = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map((m) => {
		const target = path.resolve(path.dirname(file), m[1]);
		return target.replace(/\.m?js$/, (ext) => (ext === '.mjs' ? '.mts' : '.ts'));
	});
	graph.set(
		file,
		deps.filter((d) => files.includes(d)),
	);
}

for (const [file, deps] of graph) {
	const from = layerOf(file);
	for (const dep of deps) {
		const to = layerOf(dep);
		if (RANK[to] > RANK[from])
			problems.push(`${path.relative(root, file)} (${from}) imports ${path.relative(root, dep)} (${to}): upward`);
	}
}

// Cycles: strongly connected components of more than one file (Tarjan).
let index = 0;
const stack = [];
const onStack = new Set();
const indexOf = new Map();
const low = new Map();
function visit(v) {
	indexOf.set(v, index);
	low.set(v, index++);
	stack.push(v);
	onStack.add(v);
	for (const w of graph.get(v) ?? []) {
		if (!indexOf.has(w)) {
			visit(w);
			low.set(v, Math.min(low.get(v), low.get(w)));
		} else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
	}
	if (low.get(v) !== indexOf.get(v)) return;
	const component = [];
	let w;
	do {
		w = stack.pop();
		onStack.delete(w);
		component.push(path.relative(root, w));
	} while (w !== v);
	if (component.length > 1) problems.push(`an import cycle: ${component.sort().join(', ')}`);
}
for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);

if (problems.length > 0) {
	for (const p of problems) console.error(`layers: ${p}`);
	process.exit(1);
}
console.log(`layers: ${files.length} files, no cycle, nothing imports upward`);
