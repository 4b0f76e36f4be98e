import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

type Schema = { [key: string]: unknown };
const root = JSON.parse(readFileSync(new URL('../schema/profile.schema.json', import.meta.url), 'utf8')) as Schema;
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function resolve(schema: Schema): Schema {
	if (typeof schema.$ref !== 'string') return schema;
	const target = schema.$ref
		.replace('#/', '')
		.split('/')
		.reduce<Schema>((node, key) => node[key] as Schema, root);
	const { $ref: _ref, ...rest } = schema;
	return {
		...resolve(target),
		...rest,
		properties: { ...(resolve(target).properties as Schema), ...(rest.properties as Schema) },
	};
}

/** Every key a profile may have, as `streams[].bitrate` or `servers.NAME.port`. */
function keyPaths(schema: Schema, prefix: string): string[] {
	const s = resolve(schema);
	const out: string[] = [];
	for (const [key, sub] of Object.entries((s.properties as Schema | undefined) ?? {})) {
		const here = prefix ? `${prefix}.${key}` : key;
		out.push(here, ...keyPaths(sub as Schema, here));
	}
	if (s.additionalProperties && typeof s.additionalProperties === 'object')
		out.push(...keyPaths(s.additionalProperties as Schema, `${prefix}.NAME`));
	if (s.items && typeof s.items === 'object' && !('anyOf' in (s.items as Schema)))
		out.push(...keyPaths(s.items as Schema, `${prefix}[]`));
	return out;
}

describe('README profile reference', () => {
	it('lists exactly the keys the schema accepts', () => {
		const section = readme.split(/^## Profile reference$/m)[1]?.split(/^## /m)[0] ?? '';
		const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
		assert.ok(documented.length > 10, 'the README has a profile reference table');
		assert.deepEqual([...documented].sort(), [...new Set(keyPaths(root, ''))].sort());
	});
});
