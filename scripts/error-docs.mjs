#!/usr/bin/env node
// docs/errors.md from the one catalogue of error codes (packages/core/src/errors/codes.ts, built):
// `--write` writes it; without, exits 1 when the page differs from the catalogue (npm run lint).
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { ERROR_CODES } = await import(new URL('packages/core/dist/errors/codes.js', root).href);
const page = new URL('docs/errors.md', root);
const cell = (text) => text.replace(/\|/g, '\\|');
const rows = Object.entries(ERROR_CODES).map(
	([code, { status, means, todo }]) => `| \`${code}\` | ${status} | ${cell(means)} | ${cell(todo)} |`,
);
const text = `# Error codes

Every error jdcast raises is a \`JdcastError\` (\`import { JdcastError } from '@jdcast/core'\`) whose
\`code\` is one of these (the type \`JdcastErrorCode\`); \`IcecastError\` (\`E_ICECAST_*\`, with the
server's HTTP \`status\` and \`transient\`), \`ProfileError\` (with every \`diagnostics\` line) and
\`SecretError\` are kinds of it. The control API and the HTTP side answer
\`{ "error": { "code", "message" } }\` with the HTTP status below; \`jdcast\` prints the message
alone, one sentence, and exits 1 (2 for usage, 3 when no \`jdcast up\` runs).

\`userFacing\` is true when the cause is the user's input or environment — a wrong password, a port
taken, a file missing: print the message, no stack trace. It is false only for what should never
happen (\`E_INTERNAL\`), where the stack helps.

An output's error is *permanent* — the output is \`failed\`, not retried, and \`live()\` rejects at
once — only for \`E_ICECAST_AUTH\` and a password that cannot be read (\`E_SECRET_UNRESOLVED\`);
every other \`E_ICECAST_*\` is retried with backoff (\`retrying\`).
When every output of a profile has failed for good and it records nothing, the profile is
\`failed\` too (its \`lastError\` says "every output failed for good: …"), and its ffmpeg stops.

This page is made from the catalogue in \`packages/core/src/errors/codes.ts\` (\`npm run api\`);
\`npm run lint\` fails when they differ.

| code | HTTP | what it means | what to do |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
if (process.argv.includes('--write')) writeFileSync(page, text);
else {
	let now = '';
	try {
		now = readFileSync(page, 'utf8');
	} catch {}
	if (now !== text) {
		console.error('docs/errors.md differs from the error catalogue: run `npm run api` and commit it');
		process.exit(1);
	}
}
