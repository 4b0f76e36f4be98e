import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

export type JsonSchema = { [key: string]: unknown };

export const schemaUrl = new URL('../../schema/profile.schema.json', import.meta.url);

let compiled: { schema: JsonSchema; validate: ValidateFunction } | undefined;

/** The shipped JSON Schema and its compiled validator (compiled once per process). */
export function profileSchema(): { schema: JsonSchema; validate: ValidateFunction } {
	if (!compiled) {
		const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as JsonSchema;
		const ajv = new Ajv2020({ allErrors: true, verbose: true, strictTypes: false, strictRequired: false });
		// x-hint: the words an error message uses for a pattern (editors ignore it).
		ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
		compiled = { schema, validate: ajv.compile(schema) };
	}
	return compiled;
}

export type SchemaError = ErrorObject;

/** The sub-schema at a JSON pointer like `#/$defs/stream/allOf/0/if`, following local $refs. */
export function schemaAt(root: JsonSchema, pointer: string): JsonSchema | undefined {
	let node: unknown = root;
	for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
		if (!node || typeof node !== 'object') return undefined;
		node = (node as JsonSchema)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
	}
	return node && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

/** Every key a schema object allows, including those it takes from a $ref. */
export function knownKeys(root: JsonSchema, schema: JsonSchema | undefined): string[] {
	if (!schema) return [];
	const own = Object.keys((schema.properties as JsonSchema | undefined) ?? {});
	const ref = typeof schema.$ref === 'string' ? knownKeys(root, schemaAt(root, schema.$ref)) : [];
	return [...new Set([...own, ...ref])];
}
