import { IcecastError } from './errors.js';
import type { AdminTarget } from '../metadata/admin.js';

/**
 * Removes the source of a mount (Icecast's `/admin/killsource`): listeners move to its fallback, or
 * are dropped, until another source takes it. Icecast 2.4 takes the mount's source credentials for
 * this as well as the admin ones (measured). `gone` when the mount had no source any more (Icecast
 * dropped a frozen source by itself meanwhile).
 */
export async function killSource(target: AdminTarget): Promise<'removed' | 'gone'> {
	const { HTTPError } = await import('got');
	const where = `${target.host}:${target.port}${target.mount}`;
	try {
		await adminGet(target, 'killsource', 3000);
		return 'removed';
	} catch (error) {
		if (error instanceof HTTPError && error.response.statusCode === 400) return 'gone';
		if (error instanceof HTTPError && error.response.statusCode === 401)
			throw new IcecastError(
				'E_ICECAST_AUTH',
				`${where}: the server refused user "${target.user}" for killsource (401)`,
			);
		throw new IcecastError('E_ICECAST_HTTP', `${where}: killsource failed: ${(error as Error).message}`);
	}
}

/** The address of the source that holds a mount, from Icecast's stats for it; null when not told. */
export async function holderAddress(target: AdminTarget): Promise<string | null> {
	try {
		const xml = await adminGet(target, 'stats', 1000);
		return /<source_ip>([^<]{1,64})<\/source_ip>/.exec(xml)?.[1] ?? null;
	} catch {
		return null;
	}
}

/** One admin command about the target's mount, its answer's body; an HTTP error status throws got's HTTPError. */
async function adminGet(target: AdminTarget, command: string, timeoutMs: number): Promise<string> {
	const { got } = await import('got');
	return got(`${target.tls ? 'https' : 'http'}://${target.host}:${target.port}/admin/${command}`, {
		searchParams: { mount: target.mount },
		username: target.user,
		password: target.password.reveal(),
		timeout: { request: timeoutMs },
		retry: { limit: 0 },
		...(target.ca === undefined ? {} : { https: { certificateAuthority: target.ca } }),
	}).text();
}
