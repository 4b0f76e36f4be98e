import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadProfileText } from '../src/index.js';

const profilesDir = new URL('../../../profiles/', import.meta.url).pathname;
const examples = readdirSync(profilesDir)
	.filter((f) => f.endsWith('.yaml'))
	.map((f) => readFileSync(path.join(profilesDir, f), 'utf8'));

/** A mutation of a valid profile text: characters replaced, lines dropped, duplicated or indented. */
const mutation = fc.oneof(
	fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
	fc.record({
		kind: fc.constant('insert' as const),
		at: fc.nat(),
		text: fc.constantFrom(':', '-', '[', '{', '"', '\t', '  ', '\n', '0', '999999', 'null', '*a', '&a', '!!str', '#'),
	}),
	fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat(), text: fc.constant('') }),
	fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat(), text: fc.constant('') }),
	fc.record({
		kind: fc.constant('value' as const),
		at: fc.nat(),
		text: fc.constantFrom('aac', '-1', '70000', 'true', '[]', '{}', '', '~', '1.5', '"x y"', '/../', 'opus'),
	}),
);

function mutate(text: string, m: { kind: string; at: number; text: string }): string {
	const lines = text.split('\n');
	const line = m.at % Math.max(1, lines.length);
	const pos = m.at % Math.max(1, text.length);
	switch (m.kind) {
		case 'replace':
			return text.slice(0, pos) + m.text + text.slice(pos + m.text.length);
		case 'insert':
			return text.slice(0, pos) + m.text + text.slice(pos);
		case 'dropLine':
			return lines.filter((_, i) => i !== line).join('\n');
		case 'dupLine':
			return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n');
		default: {
			const l = lines[line] ?? '';
			lines[line] = l.includes(': ') ? `${l.slice(0, l.indexOf(': ') + 2)}${m.text}` : l;
			return lines.join('\n');
		}
	}
}

describe('the validator never throws', () => {
	it('on thousands of mutations of the example profiles', () => {
		let invalid = 0;
		fc.assert(
			fc.property(
				fc.constantFrom(...examples),
				fc.array(mutation, { minLength: 1, maxLength: 4 }),
				(base, mutations) => {
					const text = mutations.reduce(mutate, base);
					const result = loadProfileText(text, 'fuzz.yaml');
					if (result.profile) return true;
					invalid++;
					assert.ok(
						result.diagnostics.some((d) => d.severity === 'error'),
						'an invalid result carries at least one error',
					);
					for (const d of result.diagnostics) {
						assert.equal(d.file, 'fuzz.yaml');
						assert.ok(Number.isInteger(d.line) && d.line >= 1, `line of ${d.message}`);
						assert.ok(Number.isInteger(d.col) && d.col >= 1, `col of ${d.message}`);
						assert.ok(d.message.length > 0);
						assert.doesNotMatch(d.message, /\bundefined\b|\[object Object\]/);
					}
					return true;
				},
			),
			{ numRuns: 3000, seed: 4242 },
		);
		assert.ok(invalid > 500, `mutations should break many profiles (broke ${invalid})`);
	});

	it('on arbitrary text', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), (text) => {
				const result = loadProfileText(text, 'any.yaml');
				return result.profile !== undefined || result.diagnostics.length > 0;
			}),
			{ numRuns: 1000 },
		);
	});
});
