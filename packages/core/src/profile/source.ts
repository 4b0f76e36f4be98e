import {
	isMap,
	isScalar,
	isSeq,
	LineCounter,
	parseDocument,
	visit,
	type Document,
	type Node,
	type Pair,
	type YAMLMap,
} from 'yaml';
import path from 'node:path';
import type { Diagnostic, Position } from './diagnostic.js';

export type PathSegment = string | number;
export type InstancePath = readonly PathSegment[];

/** Where a profile's data came from: what its messages and places name, and its folder. */
export interface ProfileSource {
	/** The file, or the label of a profile built in code. */
	readonly file: string;
	/** Folder that relative paths in it are read from. */
	readonly baseDir: string;
	/** Where the value at `path` is written; `key` points at the key instead (for unknown keys). */
	position(path: InstancePath, at?: 'key' | 'value'): Position;
}

/** A profile built in code: no lines to point at (line 0), its label for a file. */
export class ObjectSource implements ProfileSource {
	constructor(
		readonly file: string,
		readonly baseDir: string,
	) {}

	position(): Position {
		return { line: 0, col: 0 };
	}
}

/** A YAML (or JSON) text with the means to point back at any key or value in it. */
export class YamlSource implements ProfileSource {
	readonly file: string;
	readonly data: unknown;
	readonly syntaxDiagnostics: Diagnostic[];
	private readonly lines = new LineCounter();
	private readonly doc: Document.Parsed;
	/** Each mapping's pairs by key, built on first use: finding a key stays linear in the file. */
	private readonly pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

	get baseDir(): string {
		return path.dirname(path.resolve(this.file));
	}

	constructor(file: string, text: string) {
		this.file = file;
		// yaml's own duplicate-key check compares every key with every other (32,000 keys: 20 s);
		// duplicateKeys() does the same in one pass.
		this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
		// One syntax slip makes the parser complain about every token after it on the line: keep the first.
		const lines = new Set<number>();
		this.syntaxDiagnostics = [
			...this.doc.errors.map((e) => this.syntaxDiagnostic('error', e.message, e.pos[0])),
			...this.duplicateKeys(),
			...this.doc.warnings.map((e) => this.syntaxDiagnostic('warning', e.message, e.pos[0])),
		].filter((d) => !lines.has(d.line) && lines.add(d.line));
		this.data = this.syntaxDiagnostics.some((d) => d.severity === 'error') ? undefined : this.toData();
	}

	private duplicateKeys(): Diagnostic[] {
		const found: Diagnostic[] = [];
		visit(this.doc, {
			Map: (_key, map) => {
				const seen = new Set<unknown>();
				for (const pair of map.items) {
					const key = isScalar(pair.key) ? pair.key.value : pair.key;
					if (seen.has(key) && isScalar(pair.key))
						found.push(this.syntaxDiagnostic('error', 'Map keys must be unique', pair.key.range?.[0] ?? 0));
					seen.add(key);
				}
			},
		});
		return found;
	}

	/** The plain data; an alias without its anchor (or an alias bomb) becomes a syntax error. */
	private toData(): unknown {
		try {
			return this.doc.toJS({ maxAliasCount: 100 }) as unknown;
		} catch (error) {
			let offset = 0;
			visit(this.doc, {
				Alias: (_key, node) => {
					if (node.resolve(this.doc) === undefined && node.range) {
						offset = node.range[0];
						return visit.BREAK;
					}
					return undefined;
				},
			});
			this.syntaxDiagnostics.push(this.syntaxDiagnostic('error', (error as Error).message, offset));
			return undefined;
		}
	}

	/** Where the value at `path` is written; `key` points at the key instead (for unknown keys). */
	position(path: InstancePath, at: 'key' | 'value' = 'value'): Position {
		let node: unknown = this.doc.contents;
		let last: Position = { line: 1, col: 1 };
		for (const [i, segment] of path.entries()) {
			const here = startOf(node, this.lines);
			if (here) last = here;
			if (isMap(node)) {
				const pair = this.pairOf(node, String(segment));
				if (!pair) return last;
				const keyAt = startOf(pair.key, this.lines);
				if (i === path.length - 1 && at === 'key') return keyAt ?? last;
				if (pair.value === null || pair.value === undefined) return keyAt ?? last;
				if (keyAt) last = keyAt;
				node = pair.value;
			} else if (isSeq(node) && typeof segment === 'number') {
				node = node.items[segment];
				if (node === undefined) return last;
			} else {
				return last;
			}
		}
		return startOf(node, this.lines) ?? last;
	}

	private pairOf(map: YAMLMap, key: string): Pair | undefined {
		let index = this.pairsByKey.get(map);
		if (!index) {
			index = new Map();
			for (const pair of map.items)
				if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
			this.pairsByKey.set(map, index);
		}
		return index.get(key);
	}

	private syntaxDiagnostic(severity: Diagnostic['severity'], message: string, offset: number): Diagnostic {
		const { line, col } = this.lines.linePos(offset);
		const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		// The parser recursing until the stack ends is a file nested beyond any profile's needs.
		const text = /Maximum call stack/.test(first)
			? 'nested too deeply (a profile needs a few levels of keys and lists)'
			: first;
		return { file: this.file, line, col, severity, message: `YAML: ${text}` };
	}
}

function startOf(node: unknown, lines: LineCounter): Position | undefined {
	const range = (node as Node | null | undefined)?.range;
	if (!range) return undefined;
	const { line, col } = lines.linePos(range[0]);
	return { line, col };
}

/** `streams[1].format` from ['streams', 1, 'format']. */
export function displayPath(path: InstancePath): string {
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
		else out += `[${quoted(segment)}]`;
	}
	return out;
}

/**
 * Text from a profile in double quotes, for a message: every control character escaped. JSON escapes
 * C0 only; DEL, C1 (0x9B starts a terminal's control sequence) and the line separators are escaped too.
 */
export function quoted(text: string): string {
	return JSON.stringify(text).replace(
		/[\u007f-\u009f\u2028\u2029]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** Ajv's `/streams/1/format` as path segments, array indexes as numbers. */
export function parsePointer(pointer: string, data: unknown): PathSegment[] {
	if (pointer === '') return [];
	const segments: PathSegment[] = [];
	let node = data;
	for (const raw of pointer.slice(1).split('/')) {
		const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (Array.isArray(node)) {
			const index = Number(key);
			segments.push(index);
			node = node[index];
		} else {
			segments.push(key);
			node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
		}
	}
	return segments;
}
