import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Location } from './diagnostic.js';
import { DEFAULT_PORT, DEFAULT_USER } from './defaults.js';
import type { Report } from './encoding.js';
import { READABLE_BY_OTHERS } from './secrets.js';
import { displayPath, type InstancePath, type ProfileSource } from './source.js';
import type { PasswordSource, RawProfile, ServerConfig } from './types.js';

type At = (p: InstancePath, key?: 'key' | 'value') => Location;

/**
 * A profile's servers with their defaults, and where their passwords come from. Files named for TLS and
 * passwords are looked at now (a CA that holds no certificate, a password others can read) so that the
 * profile's check says so, but they are read for use only when the profile starts.
 */
export function normalizeServers(
	raw: RawProfile,
	source: Pick<ProfileSource, 'baseDir' | 'file'>,
	report: Report,
	at: At,
): Record<string, ServerConfig> {
	const servers: Record<string, ServerConfig> = {};
	for (const [serverName, s] of Object.entries(raw.servers)) {
		const embedded = s.embedded === true;
		servers[serverName] = {
			name: serverName,
			host: embedded ? '127.0.0.1' : s.host!,
			port: s.port ?? DEFAULT_PORT,
			user: s.user ?? DEFAULT_USER,
			password: passwordSource(s, embedded),
			tls: s.tls ?? s.tls_ca !== undefined,
			...(s.tls_ca === undefined ? {} : { tlsCa: path.resolve(source.baseDir, s.tls_ca) }),
			embedded,
			// Air checks are added by `normalizeMountRecords`, once the streams are known.
			mounts: Object.fromEntries(
				Object.entries(s.mounts ?? {}).map(([mount, { record: _record, failover, ...settings }]) => [
					mount,
					{ ...settings, ...(failover ? { failover: { after: failoverSeconds(failover.after) } } : {}) },
				]),
			),
			...adminOf(s, embedded),
			at: at(['servers', serverName], 'key'),
		};
		for (const [mount, settings] of Object.entries(servers[serverName]!.mounts)) {
			const after = settings.failover?.after;
			if (after !== undefined && !(after >= 1 && after <= 60))
				report(
					'error',
					['servers', serverName, 'mounts', mount, 'failover', 'after'],
					`servers.${serverName}.mounts.${mount}.failover.after: give 1 to 60 seconds (a holder silent that long is removed), not ${after} s`,
				);
		}
		if (s.tls === false && s.tls_ca !== undefined)
			report(
				'error',
				['servers', serverName, 'tls_ca'],
				`servers.${serverName}.tls_ca: a CA for TLS, but tls is false; remove one of them`,
				'key',
			);
		else if (s.tls_ca !== undefined)
			warnUnusableCa(servers[serverName]!.tlsCa!, ['servers', serverName, 'tls_ca'], report);
		for (const key of ['password', 'admin_password'] as const) {
			if (s[key] !== undefined) warnReadable(source.file, ['servers', serverName, key], report, true);
		}
		for (const key of ['password_file', 'admin_password_file'] as const) {
			const file = s[key];
			if (file !== undefined)
				warnReadable(path.resolve(source.baseDir, file), ['servers', serverName, key], report, false);
		}
	}
	return servers;
}

function passwordSource(s: RawProfile['servers'][string], embedded: boolean): PasswordSource {
	if (embedded) return { kind: 'generated' };
	return sourceOf(s.password, s.password_env, s.password_file)!;
}

function adminOf(s: RawProfile['servers'][string], embedded: boolean): Pick<ServerConfig, 'admin'> {
	if (embedded) return { admin: { user: 'admin', password: { kind: 'generated' } } };
	const password = sourceOf(s.admin_password, s.admin_password_env, s.admin_password_file);
	return password ? { admin: { user: s.admin_user ?? 'admin', password } } : {};
}

/** A backup waits this long for a silent holder before it takes the mount (`failover: {}`). */
const DEFAULT_FAILOVER_SECONDS = 3;

/** `after: 3`, `after: 3s` or `after: 2.5 s` as seconds (the schema has checked the form). */
function failoverSeconds(after: number | string | undefined): number {
	if (after === undefined) return DEFAULT_FAILOVER_SECONDS;
	return typeof after === 'number' ? after : Number.parseFloat(after);
}

/** Where a password comes from, as written: the value itself, a variable or a file (the first given). */
export function sourceOf(
	inline: string | undefined,
	env: string | undefined,
	file: string | undefined,
): PasswordSource | undefined {
	if (inline !== undefined) return { kind: 'inline', value: inline };
	if (env !== undefined) return { kind: 'env', name: env };
	if (file !== undefined) return { kind: 'file', path: file };
	return undefined;
}

/** The mode of a file that group or others can read; undefined when they cannot, or it is not there (yet). */
function readableByOthers(file: string): number | undefined {
	try {
		const mode = statSync(file).mode & 0o777;
		return (mode & READABLE_BY_OTHERS) !== 0 ? mode : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A CA file that is not there or holds no certificate: TLS to the server will fail until it does (read
 * again at each connection).
 */
function warnUnusableCa(file: string, where: InstancePath, report: Report): void {
	let problem: string | undefined;
	try {
		const info = statSync(file);
		if (!info.isFile()) problem = 'is not a regular file';
		else if (info.size > 1024 * 1024) problem = 'is larger than 1 MiB';
		else if (!readFileSync(file, 'utf8').includes('-----BEGIN CERTIFICATE-----'))
			problem = 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
	} catch (error) {
		problem = `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`;
	}
	if (problem)
		report(
			'warning',
			where,
			`${displayPath(where)}: ${file} ${problem}; connections to this server fail until it holds the CA's certificate`,
		);
}

/**
 * A password in a file that group or others can read is a leak waiting to happen: say so, for a password
 * file (`inline` false) and for a profile with a password written in it (`inline` true).
 */
export function warnReadable(file: string, where: InstancePath, report: Report, inline: boolean): void {
	const mode = readableByOthers(file)?.toString(8);
	if (mode === undefined) return;
	const label = displayPath(where);
	report(
		'warning',
		where,
		inline
			? `${label}: a password written in a file that group or others can read (mode ${mode}); use password_env or password_file, or chmod 600 ${file}`
			: `${label}: ${file} can be read by group or others (mode ${mode}); chmod 600 ${file}`,
	);
}
