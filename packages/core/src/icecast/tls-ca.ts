import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { ServerConfig } from '../profile/types.js';
import { IcecastError } from './errors.js';

/** A CA bundle is a few KiB; more than this is not one. */
const MAX_CA_BYTES = 1024 * 1024;

/**
 * The PEM text of a server's `tls_ca`, or undefined when it has none (the system's CAs are
 * trusted). Read at each connection, so that a file fixed while jdcast runs is taken at the next
 * try; throws E_ICECAST_TLS (retried) naming the key and the file.
 */
export function trustedCa(server: Pick<ServerConfig, 'name' | 'tlsCa'>): string | undefined {
	const file = server.tlsCa;
	if (file === undefined) return undefined;
	const fail = (why: string) => new IcecastError('E_ICECAST_TLS', `servers.${server.name}.tls_ca: ${file} ${why}`);
	let fd;
	try {
		// Non-blocking: a FIFO must not stop the event loop that moves the audio.
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	try {
		const info = fstatSync(fd);
		if (!info.isFile()) throw fail('is not a regular file');
		if (info.size > MAX_CA_BYTES) throw fail(`is larger than ${MAX_CA_BYTES / 1024 / 1024} MiB: not a CA certificate`);
		const buffer = Buffer.alloc(info.size);
		const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, info.size, 0));
		if (!text.includes('-----BEGIN CERTIFICATE-----')) throw fail('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
		return text;
	} finally {
		closeSync(fd);
	}
}
