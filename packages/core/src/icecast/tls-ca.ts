import type { ServerConfig } from '../profile/types.js';
import { readSmallFile, type SmallFileError } from '../util/small-file.js';
import { IcecastError } from './errors.js';

/** A CA bundle is a few KiB; more than this is not one. */
const MAX_CA_BYTES = 1024 * 1024;

/**
 * The PEM text of a server's `tls_ca`, or undefined when it has none (the system's CAs are
 * trusted). Read at each connection, so that a file fixed while jdcast runs is taken at the next
 * try; throws E_ICECAST_TLS (retried) naming the key and the file.
 */
export async function trustedCa(server: Pick<ServerConfig, 'name' | 'tlsCa'>): Promise<string | undefined> {
	const file = server.tlsCa;
	if (file === undefined) return undefined;
	const fail = (why: string) => new IcecastError('E_ICECAST_TLS', `servers.${server.name}.tls_ca: ${file} ${why}`);
	let text: string;
	try {
		text = (await readSmallFile(file, MAX_CA_BYTES)).toString('utf8');
	} catch (error) {
		const { kind, reason } = error as SmallFileError;
		throw fail(kind === 'too-large' ? `${reason}: not a CA certificate` : reason);
	}
	if (!text.includes('-----BEGIN CERTIFICATE-----'))
		throw fail('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
	return text;
}
