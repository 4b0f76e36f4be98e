import type { Diagnostic } from './diagnostic.js';
import { knownKeys, type JsonSchema, type SchemaError } from './schema.js';
import { displayPath, parsePointer, quoted, type InstancePath, type ProfileSource } from './source.js';
import { didYouMean } from './suggest.js';

/** How a path is shown to the user (Jackdaw configs show their own key names). */
export type PathView = (path: InstancePath) => { shown: InstancePath; located: InstancePath };

const samePath: PathView = (path) => ({ shown: path, located: path });

/** Ajv's errors in the user's words, each pointing at the offending key or value. */
export function schemaDiagnostics(
	errors: readonly SchemaError[],
	source: ProfileSource,
	root: JsonSchema,
	data: unknown,
	view: PathView = samePath,
	/** What the whole document is called in a message about its root. */
	rootName = 'profile',
): Diagnostic[] {
	const kept = dropNoise(errors, root);
	const diagnostics: Diagnostic[] = [];
	const seen = new Set<string>();
	for (const error of kept) {
		const described = describe(error, data, root, errors);
		if (!described) continue;
		const { shown, located } = view(described.path);
		const where = source.position(located, described.at);
		const subject = displayPath(shown) || rootName;
		const message = `${subject}${described.text}`;
		const key = `${where.line}:${where.col}:${message}`;
		if (seen.has(key)) continue;
		seen.add(key);
		diagnostics.push({ file: source.file, ...where, severity: 'error', message });
	}
	return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

interface Described {
	path: InstancePath;
	at: 'key' | 'value';
	text: string;
}

function describe(
	error: SchemaError,
	data: unknown,
	root: JsonSchema,
	all: readonly SchemaError[],
): Described | undefined {
	const path = parsePointer(error.instancePath, data);
	const value = error.data;
	const parent = error.parentSchema as JsonSchema | undefined;
	const context = conditionContext(error, all, data);
	const p = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required':
			return { path, at: 'value', text: `: missing required key \`${String(p.missingProperty)}\`` };
		case 'additionalProperties':
		case 'unevaluatedProperties': {
			const key = String(p.additionalProperty ?? p.unevaluatedProperty);
			const hint = didYouMean(key, knownKeys(root, parent));
			return { path: [...path, key], at: 'key', text: `: unknown key \`${key}\`${hint}` };
		}
		case 'enum': {
			let allowed = (p.allowedValues as unknown[]).map(String);
			// One list of formats serves streams and recordings; a stream cannot be sent as wav or pcm.
			if (path[0] === 'streams' && path.at(-1) === 'format')
				allowed = allowed.filter((f) => f !== 'wav' && f !== 'pcm');
			const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
			return { path, at: 'value', text: `: ${show(value)} is not one of ${allowed.join(', ')}${context}${hint}` };
		}
		case 'const':
			return { path, at: 'value', text: `: must be ${show(p.allowedValue)}${context}, not ${show(value)}` };
		case 'type':
			return { path, at: 'value', text: `: must be ${typeWords(String(p.type))}, not ${typeOf(value)}` };
		case 'minimum':
		case 'exclusiveMinimum':
			return { path, at: 'value', text: `: ${show(value)} is below the minimum ${String(p.limit)}${context}` };
		case 'maximum':
		case 'exclusiveMaximum':
			return { path, at: 'value', text: `: ${show(value)} is above the maximum ${String(p.limit)}${context}` };
		case 'minLength':
			return {
				path,
				at: 'value',
				text: Number(p.limit) <= 1 ? ': must not be empty' : `: must be at least ${String(p.limit)} characters`,
			};
		case 'maxLength':
			return { path, at: 'value', text: `: must be at most ${String(p.limit)} characters` };
		case 'pattern':
		case 'not': {
			const hint = hintOf(parent) ?? `text matching ${String(p.pattern)}`;
			return {
				path,
				at: 'value',
				text: value && typeof value === 'object' ? `: ${hint}` : `: ${show(value)} is not valid: expected ${hint}`,
			};
		}
		case 'propertyNames': {
			const name = String(p.propertyName);
			const hint = hintOf(error.schema as JsonSchema) ?? 'a valid name';
			return { path: [...path, name], at: 'key', text: `: name ${show(name)} is not valid: expected ${hint}` };
		}
		case 'minItems':
		case 'minProperties': {
			const what =
				path[path.length - 1] === 'streams' ? 'stream' : path[path.length - 1] === 'servers' ? 'server' : 'item';
			return {
				path,
				at: 'value',
				text: `: needs at least ${String(p.limit)} ${what}${Number(p.limit) === 1 ? '' : 's'}`,
			};
		}
		case 'maxItems':
			return { path, at: 'value', text: `: must have at most ${String(p.limit)} items` };
		case 'uniqueItems': {
			const items = value as unknown[];
			return { path: [...path, Number(p.i)], at: 'value', text: `: ${show(items[Number(p.i)])} is listed twice` };
		}
		case 'oneOf':
			return describeExactlyOne(error, path, value);
		case 'anyOf': {
			const keys = exactlyOneKeys(error.schema);
			if (keys) return { path, at: 'value', text: `: ${hintOf(parent) ?? `needs one of ${keys.join(', ')}`}` };
			return { path, at: 'value', text: `: must be ${alternatives(error.schema as JsonSchema[])}` };
		}
		default:
			return { path, at: 'value', text: `: ${error.message ?? 'is not valid'}` };
	}
}

/** `oneOf: [{required:[a]}, {required:[b]}]` reads as "exactly one of a, b". */
function describeExactlyOne(error: SchemaError, path: InstancePath, value: unknown): Described {
	const keys = exactlyOneKeys(error.schema);
	if (!keys) return { path, at: 'value', text: ': must match exactly one form' };
	const present = keys.filter((k) => value && typeof value === 'object' && k in value);
	const list = keys.join(', ');
	if (present.length === 0) return { path, at: 'value', text: `: needs one of ${list}` };
	return {
		path: [...path, present[1]!],
		at: 'key',
		text: `: has both ${present.join(' and ')}; use exactly one of ${list}`,
	};
}

function exactlyOneKeys(branches: unknown): string[] | undefined {
	if (!Array.isArray(branches)) return undefined;
	const keys = branches.map((b: JsonSchema) =>
		Array.isArray(b.required) && b.required.length === 1 && Object.keys(b).length === 1
			? String(b.required[0])
			: undefined,
	);
	return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
}

function alternatives(branches: JsonSchema[]): string {
	const words = branches.map((b) =>
		typeof b.description === 'string' ? b.description.replace(/[:.].*$/, '').toLowerCase() : typeWords(String(b.type)),
	);
	return words.length > 2 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words.join(' or ');
}

/**
 * Ajv reports a failed oneOf/anyOf/if together with the errors of each branch. Keep one line per
 * real problem: the branch errors of an "exactly one of" oneOf go, `if` wrappers go, and for anyOf
 * only the errors of the branch whose type fits the value stay.
 */
function dropNoise(errors: readonly SchemaError[], root: JsonSchema): SchemaError[] {
	// oneOf/anyOf of single `required`s: one line ("needs one of a, b") instead of one per key.
	const oneOfs = errors
		.filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && exactlyOneKeys(e.schema))
		.map((e) => `${e.schemaPath}/`);
	const propertyNames = errors.filter((e) => e.keyword === 'propertyNames').map((e) => `${e.schemaPath}/`);
	const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
	const kept = errors.filter((e) => {
		if (e.keyword === 'if') return false;
		// A key the schema knows is "unevaluated" only because its own value failed: that failure is the line.
		if (
			e.keyword === 'unevaluatedProperties' &&
			knownKeys(root, e.parentSchema as JsonSchema).includes(String(e.params.unevaluatedProperty))
		)
			return false;
		if (oneOfs.some((prefix) => e.schemaPath.startsWith(prefix))) return false;
		if (propertyNames.some((prefix) => e.schemaPath.startsWith(prefix))) return false;
		const anyOf = anyOfs.find((a) => e.schemaPath.startsWith(`${a.schemaPath}/`));
		if (anyOf && e.keyword === 'type' && e.instancePath === anyOf.instancePath) return false;
		return true;
	});
	// An anyOf whose fitting branch already explained the problem needs no line of its own.
	return kept.filter(
		(e) => e.keyword !== 'anyOf' || !kept.some((k) => k !== e && k.schemaPath.startsWith(`${e.schemaPath}/`)),
	);
}

/**
 * " for mp3" when the failing rule sits in an `if format is mp3 then ...` branch. Ajv reports the
 * `if` beside the rule; its parent schema says which key the condition was on.
 */
function conditionContext(error: SchemaError, all: readonly SchemaError[], data: unknown): string {
	const match = /^(.*)\/then\//.exec(error.schemaPath);
	if (!match) return '';
	const condition = all.find(
		(e) => e.keyword === 'if' && e.schemaPath === `${match[1]}/if` && error.instancePath.startsWith(e.instancePath),
	);
	const ifSchema = (condition?.parentSchema as JsonSchema | undefined)?.if as JsonSchema | undefined;
	const key = Object.keys((ifSchema?.properties as JsonSchema | undefined) ?? {})[0];
	if (!condition || !key) return '';
	let node: unknown = data;
	for (const segment of parsePointer(condition.instancePath, data))
		node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
	const actual = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
	return actual === undefined ? '' : ` for ${String(actual)}`;
}

function hintOf(schema: JsonSchema | undefined): string | undefined {
	const hint = schema?.['x-hint'];
	return typeof hint === 'string' ? hint : undefined;
}

function show(value: unknown): string {
	return typeof value === 'string'
		? quoted(value)
		: value === undefined
			? 'nothing'
			: (JSON.stringify(value) ?? String(value));
}

function typeWords(type: string): string {
	const words: Record<string, string> = {
		integer: 'a whole number',
		number: 'a number',
		string: 'text',
		boolean: 'true or false',
		object: 'a mapping of keys',
		array: 'a list',
		null: 'empty',
	};
	return type
		.split(',')
		.map((t) => words[t] ?? t)
		.join(' or ');
}

function typeOf(value: unknown): string {
	if (value === null || value === undefined) return 'empty';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	if (typeof value === 'string') return `text ${quoted(value)}`;
	return `${typeof value} ${String(value)}`;
}
