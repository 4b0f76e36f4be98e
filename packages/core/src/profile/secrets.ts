import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import path from 'node:path';
import { SecretError } from '../errors/index.js';
import { formatDiagnostic } from './diagnostic.js';
import { Secret } from './secret.js';
import { HARBOR_SHARED_USER } from './defaults.js';
import type { HarborInput, PasswordSource, Profile, ServerConfig } from './types.js';

/**
 * Read a server's source password from where the profile says it is. Done when a profile is
 * about to run, not when it is validated, so that `validate` and `plan` work without the secrets.
 * Embedded servers get theirs from the embedded icecast2 (`generated`).
 */
export function resolvePassword(
	profile: Profile,
	server: ServerConfig,
	env: NodeJS.ProcessEnv = process.env,
	generated?: Secret,
): Promise<Secret> {
	return resolveSource(profile, server, server.password, 'password', env, generated);
}

/**
 * Every environment variable the profiles take a password from (`password_env`, `admin_password_env`),
 * with the server entry that names it.
 */
export function passwordVariables(profiles: readonly Profile[]): { name: string; server: ServerConfig }[] {
	return profiles.flatMap((profile) =>
		Object.values(profile.servers).flatMap((server) =>
			[server.password, server.admin?.password].flatMap((source) =>
				source?.kind === 'env' ? [{ name: source.name, server }] : [],
			),
		),
	);
}

/** The admin credentials for metadata updates: the admin keys when given, else the source ones. */
export async function resolveAdmin(
	profile: Profile,
	server: ServerConfig,
	env: NodeJS.ProcessEnv = process.env,
	generated?: Secret,
): Promise<{ user: string; password: Secret } | undefined> {
	if (!server.admin) return undefined;
	return {
		user: server.admin.user,
		password: await resolveSource(profile, server, server.admin.password, 'admin password', env, generated),
	};
}

async function resolveSource(
	profile: Profile,
	server: ServerConfig,
	source: PasswordSource,
	what: string,
	env: NodeJS.ProcessEnv,
	generated?: Secret,
): Promise<Secret> {
	const fail = (message: string): never => {
		throw new SecretError({
			...server.at,
			severity: 'error',
			message: `servers.${server.name}: ${message}`,
		});
	};
	switch (source.kind) {
		case 'inline':
			return new Secret(source.value);
		case 'generated':
			return generated ?? fail('the embedded server has not started');
		case 'env': {
			const value = env[source.name];
			return value
				? new Secret(value)
				: fail(`environment variable ${source.name}${what === 'password' ? '' : ` (${what})`} is not set`);
		}
		case 'file': {
			const file = path.resolve(profile.baseDir, source.path);
			const read = await readSecretFile(file);
			return 'value' in read ? new Secret(read.value) : fail(read.problem.replace('FILE', `${what} file ${file}`));
		}
	}
}

/** A password file holds one line: more than this is not one. */
const MAX_SECRET_FILE_BYTES = 4096;

/** The read bits of group and others: a secret's file with any of them set is worth a warning. */
export const READABLE_BY_OTHERS = 0o044;

/**
 * One line from a regular file of at most 4 KiB, its newline trimmed. Anything else (a FIFO
 * that would hang, /dev/urandom, a symlink to /etc/shadow) is refused with a sentence that
 * names the file, never its content.
 */
export async function readSecretFile(file: string): Promise<{ value: string } | { problem: string }> {
	let bytes: Buffer;
	try {
		bytes = await readSmallFile(file, MAX_SECRET_FILE_BYTES);
	} catch (error) {
		const { kind, reason } = error as SmallFileError;
		return {
			problem:
				kind === 'too-large'
					? `FILE ${reason}: a password file holds one line`
					: kind === 'not-file'
						? `FILE ${reason}`
						: `cannot read FILE: ${kind}`,
		};
	}
	const value = bytes.toString('utf8').replace(/\r?\n$/, '');
	if (!value) return { problem: 'FILE is empty' };
	if (/[\r\n]/.test(value))
		return { problem: 'FILE holds more than one line: a password file holds the password alone' };
	return { value };
}

/** A server's credentials as one profile's outputs use them, or why its outputs cannot run. */
export interface Credentials {
	password?: Secret;
	admin?: { user: string; password: Secret };
	failure?: { message: string; code: string };
}

export interface CredentialSources {
	env?: NodeJS.ProcessEnv | undefined;
	/** Passwords of embedded servers by server name (jdcast generated them). */
	embeddedPasswords?: Map<string, Secret> | undefined;
	/** Admin passwords of embedded servers by server name. */
	embeddedAdminPasswords?: Map<string, Secret> | undefined;
	/** Why an embedded server of this profile could not start, by server name. */
	embeddedFailures?: Map<string, string> | undefined;
}

/**
 * Each server's source password and admin credentials, by server name. A server whose password
 * cannot be read (or whose embedded icecast2 did not start) fails its own outputs, not the
 * profile; admin credentials that cannot be read leave metadata updates to the source ones.
 */
export async function resolveCredentials(
	profile: Profile,
	sources: CredentialSources,
	log: (level: 'warning' | 'error', message: string) => void,
): Promise<Map<string, Credentials>> {
	const result = new Map<string, Credentials>();
	const { env, embeddedPasswords, embeddedAdminPasswords, embeddedFailures } = sources;
	for (const server of Object.values(profile.servers)) {
		const embeddedFailure = embeddedFailures?.get(server.name);
		if (embeddedFailure) {
			result.set(server.name, { failure: { message: embeddedFailure, code: 'E_ICECAST_EMBEDDED' } });
			continue;
		}
		const credentials: Credentials = {};
		try {
			credentials.password = await resolvePassword(profile, server, env, embeddedPasswords?.get(server.name));
		} catch (error) {
			if (!(error instanceof SecretError)) throw error;
			log('error', formatDiagnostic(error.diagnostic));
			credentials.failure = { message: error.message, code: error.code };
		}
		try {
			credentials.admin = await resolveAdmin(profile, server, env, embeddedAdminPasswords?.get(server.name));
		} catch (error) {
			if (!(error instanceof SecretError)) throw error;
			log('warning', `${error.message}; metadata updates use the source credentials`);
		}
		result.set(server.name, credentials);
	}
	return result;
}

/**
 * The harbor's passwords by user name (`source` for the shared one), read when the profile starts.
 * One that cannot be read fails the harbor with a sentence naming where it should have come from.
 */
export async function resolveHarborUsers(
	profile: Profile,
	harbor: HarborInput,
	env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, Secret>> {
	const users = new Map<string, Secret>();
	for (const [name, user] of Object.entries(harbor.users)) {
		const label = name === HARBOR_SHARED_USER ? 'input.harbor' : `input.harbor.users.${name}`;
		const fail = (message: string): never => {
			throw new SecretError({ ...user.at, severity: 'error', message: `${label}: ${message}` });
		};
		const source = user.password;
		if (source.kind === 'inline') users.set(name, new Secret(source.value));
		else if (source.kind === 'env') {
			const value = env[source.name];
			users.set(name, value ? new Secret(value) : fail(`environment variable ${source.name} is not set`));
		} else if (source.kind === 'file') {
			const file = path.resolve(profile.baseDir, source.path);
			const read = await readSecretFile(file);
			users.set(
				name,
				'value' in read ? new Secret(read.value) : fail(read.problem.replace('FILE', `password file ${file}`)),
			);
		}
	}
	return users;
}
