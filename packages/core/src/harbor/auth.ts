import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../profile/secret.js';

/**
 * Whether `password` is `user`'s. Compared as hashes in constant time, so that neither a password's
 * length nor how much of it is right shows in the time the answer takes; an unknown user costs the same.
 */
export function checkPassword(users: ReadonlyMap<string, Secret>, user: string, password: string): boolean {
	const expected = users.get(user);
	const given = digest(password);
	const wanted = digest(expected?.reveal() ?? `${password}\u0000unknown user`);
	return timingSafeEqual(given, wanted) && expected !== undefined;
}

function digest(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}
