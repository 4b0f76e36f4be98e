import type { ErrorObject } from 'ajv';
import validateProfile, { schema } from './generated/validate-profile.js';

export type JsonSchema = { [key: string]: unknown };

/**
 * The shipped JSON Schema, and its validator: compiled by ajv at build time
 * (scripts/build-validator.mjs; `x-hint` there is the words a message uses for a pattern).
 */
export function profileSchema(): { schema: JsonSchema; validate: typeof validateProfile } {
	return { schema, validate: validateProfile };
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
