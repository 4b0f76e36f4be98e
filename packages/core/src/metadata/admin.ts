import { icySafe } from './types.js';
import pRetry, { AbortError } from 'p-retry';
import { IcecastError, serverSaid } from '../icecast/errors.js';
import type { Secret } from '../profile/secret.js';

export interface AdminTarget {
	host: string;
	port: number;
	tls: boolean;
	/** PEM of the CA to trust instead of the system's (`tls_ca`). */
	ca?: string;
	mount: string;
	user: string;
	password: Secret;
}

/**
 * Sets an MP3 mount's "now playing" through Icecast's admin API (`/admin/metadata?mode=updinfo`),
 * in UTF-8, retried on transient faults. Ogg mounts do not take it (Icecast 2.4 answers "Mountpoint
 * will not accept URL updates"): they get their tags in band.
 */
export async function updateAdminMetadata(target: AdminTarget, song: string): Promise<void> {
	const { got, HTTPError, RequestError } = await import('got');
	const url = `${target.tls ? 'https' : 'http'}://${target.host}:${target.port}/admin/metadata`;
	const where = `${target.host}:${target.port}${target.mount}`;
	await pRetry(
		async () => {
			try {
				const body = await got(url, {
					searchParams: { mount: target.mount, mode: 'updinfo', song: icySafe(song), charset: 'UTF-8' },
					username: target.user,
					password: target.password.reveal(),
					timeout: { request: 5000 },
					retry: { limit: 0 },
					...(target.ca === undefined ? {} : { https: { certificateAuthority: target.ca } }),
				}).text();
				if (!/successful/i.test(body))
					throw new IcecastError('E_ICECAST_HTTP', `${where} did not take the metadata: ${serverSaid(body)}`);
			} catch (error) {
				if (error instanceof HTTPError && error.response.statusCode === 401) {
					throw new AbortError(
						new IcecastError(
							'E_ICECAST_AUTH',
							`wrong credentials for metadata: ${where} refused user "${target.user}" (401)`,
						),
					);
				}
				if (error instanceof HTTPError)
					throw new IcecastError(
						'E_ICECAST_HTTP',
						`${where} answered ${error.response.statusCode} to the metadata update`,
					);
				if (error instanceof RequestError)
					throw new IcecastError('E_ICECAST_RESET', `metadata update to ${where} failed: ${error.code}`);
				throw error;
			}
		},
		{ retries: 3, minTimeout: 200, factor: 2 },
	);
}
