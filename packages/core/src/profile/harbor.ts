import path from 'node:path';
import { isLoopbackHost } from '../util/loopback.js';
import { DEFAULT_CHANNELS, DEFAULT_HARBOR_MAX_KBPS, HARBOR_SHARED_USER } from './defaults.js';
import type { Location } from './diagnostic.js';
import type { Report } from './encoding.js';
import { sourceOf, warnReadable } from './servers.js';
import { displayPath, type InstancePath, type ProfileSource } from './source.js';
import type { HarborInput, HarborUser, PasswordSource, RawHarbor, RawPassword } from './types.js';

/**
 * `input.harbor` with its defaults, and the checks a schema cannot make: who may send (a shared
 * password, users, or both; none at all only on this machine), and passwords others can read.
 */
export function normalizeHarbor(
	raw: RawHarbor,
	source: ProfileSource,
	report: Report,
	at: (p: InstancePath, key?: 'key' | 'value') => Location,
): HarborInput {
	const where: InstancePath = ['input', 'harbor'];
	const host = raw.host ?? '127.0.0.1';
	const users: Record<string, HarborUser> = {};
	const shared = passwordOf(raw, [...where], source, report);
	if (shared) users[HARBOR_SHARED_USER] = { password: shared, at: at(where, 'key') };
	for (const [name, user] of Object.entries(raw.users ?? {})) {
		const userWhere: InstancePath = [...where, 'users', name];
		if (name === HARBOR_SHARED_USER && shared) {
			report(
				'error',
				userWhere,
				`input.harbor.users.${name}: "${HARBOR_SHARED_USER}" is the user of the shared password (input.harbor.password…); give this DJ another name`,
				'key',
			);
			continue;
		}
		const password = passwordOf(user, userWhere, source, report);
		if (password) users[name] = { password, at: at(userWhere, 'key') };
		else
			report('error', userWhere, `input.harbor.users.${name}: no password; give password_env or password_file`, 'key');
	}
	if (Object.keys(users).length === 0)
		report(
			isLoopbackHost(host) ? 'warning' : 'error',
			where,
			isLoopbackHost(host)
				? 'input.harbor: no password: anyone on this machine can go on air (give password_env, password_file or users)'
				: `input.harbor: listening on ${host} needs a password (password_env, password_file or users): anyone who reaches the port could go on air`,
			'key',
		);
	return {
		kind: 'harbor',
		host,
		port: raw.port,
		mount: raw.mount,
		users,
		takeover: raw.takeover ?? false,
		channels: raw.channels ?? DEFAULT_CHANNELS,
		maxKbps: raw.max_kbps ?? DEFAULT_HARBOR_MAX_KBPS,
		recordRaw: raw.record_raw ?? null,
		at: at([...where, 'port']),
	};
}

function passwordOf(
	raw: RawPassword,
	where: InstancePath,
	source: ProfileSource,
	report: Report,
): PasswordSource | undefined {
	const given = [raw.password, raw.password_env, raw.password_file].filter((v) => v !== undefined).length;
	if (given > 1)
		report(
			'error',
			where,
			`${displayPath(where)}: give one of password, password_env and password_file, not ${given}`,
			'key',
		);
	if (raw.password !== undefined) warnReadable(source.file, [...where, 'password'], report, true);
	if (raw.password_file !== undefined)
		warnReadable(path.resolve(source.baseDir, raw.password_file), [...where, 'password_file'], report, false);
	return sourceOf(raw.password, raw.password_env, raw.password_file);
}
