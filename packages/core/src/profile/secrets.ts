import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SecretError } from '../errors/index.js';
import { Secret } from './secret.js';
import type { Profile, ServerConfig } from './types.js';

/**
 * Read each server's password from where the profile says it is. Done when a profile is about to
 * run, not when it is validated, so that `validate` and `plan` work without the secrets.
 * Embedded servers get theirs from the embedded icecast2 (see `generated`).
 */
export async function resolvePassword(
	profile: Profile,
	server: ServerConfig,
	env: NodeJS.ProcessEnv = process.env,
	generated?: Secret,
): Promise<Secret> {
	const fail = (message: string) => {
		const match = /^(.*):(\d+):(\d+)$/.exec(server.at);
		throw new SecretError({
			file: match?.[1] ?? profile.file,
			line: Number(match?.[2] ?? 1),
			col: Number(match?.[3] ?? 1),
			severity: 'error',
			message: `servers.${server.name}: ${message}`,
		});
	};
	const source = server.password;
	switch (source.kind) {
		case 'inline':
			return new Secret(source.value);
		case 'generated':
			return generated ?? fail('the embedded server has not started');
		case 'env': {
			const value = env[source.name];
			return value ? new Secret(value) : fail(`environment variable ${source.name} is not set`);
		}
		case 'file': {
			const file = path.resolve(profile.baseDir, source.path);
			try {
				const value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
				return value ? new Secret(value) : fail(`password file ${file} is empty`);
			} catch (error) {
				return fail(`cannot read password file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
			}
		}
	}
}
