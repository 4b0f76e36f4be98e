import { withoutControlCharacters } from '../util/text.js';
import { JdcastError } from '../errors/index.js';

export type IcecastErrorCode =
	| 'E_ICECAST_AUTH'
	| 'E_ICECAST_MOUNT_IN_USE'
	| 'E_ICECAST_REFUSED'
	| 'E_ICECAST_DNS'
	| 'E_ICECAST_RESET'
	| 'E_ICECAST_TIMEOUT'
	| 'E_ICECAST_TLS'
	| 'E_ICECAST_HTTP'
	| 'E_ICECAST_CLOSED'
	| 'E_ICECAST_STALLED'
	| 'E_ICECAST_SLOW';

export interface Where {
	user: string;
	host: string;
	port: number;
	mount: string;
	/** The server's name in the profile, for advice that names a key. */
	server?: string;
	/** The server's `tls_ca` file, when it has one. */
	tlsCa?: string;
}

/** Node's codes for a certificate chain it could not verify against the CAs it trusts. */
const UNTRUSTED = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_GET_ISSUER_CERT',
	'CERT_UNTRUSTED',
	'CERT_SIGNATURE_FAILURE',
]);

/** What an Icecast server (or the network to it) answered, in plain words. Never holds a password. */
export class IcecastError extends JdcastError {
	declare readonly code: IcecastErrorCode;
	readonly status: number | undefined;
	/** Worth trying again: everything but wrong credentials. */
	readonly transient: boolean;

	constructor(code: IcecastErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
		super(code, message, { cause: options.cause });
		this.status = options.status;
		this.transient = code !== 'E_ICECAST_AUTH';
	}
}

/**
 * What a server's answer says, in one short line: no markup, and no escape sequences of its choosing
 * (it reaches terminals and logs).
 */
export function serverSaid(body: string): string {
	return withoutControlCharacters(body.replace(/<[^>]*>/g, ' '))
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 120);
}

export function fromStatus(status: number, body: string, w: Where): IcecastError {
	const at = `${w.host}:${w.port}${w.mount}`;
	if (status === 401)
		return new IcecastError(
			'E_ICECAST_AUTH',
			`wrong credentials: ${at} refused user "${w.user}" (401); check the source password`,
			{ status },
		);
	if (status === 403 && /in use/i.test(body))
		return new IcecastError('E_ICECAST_MOUNT_IN_USE', `mountpoint in use: another source is feeding ${at} (403)`, {
			status,
		});
	const reason = serverSaid(body);
	return new IcecastError('E_ICECAST_HTTP', `${at} answered ${status}${reason ? `: ${reason}` : ''}`, { status });
}

export function fromSocketError(error: NodeJS.ErrnoException, w: Where): IcecastError {
	const server = `${w.host}:${w.port}`;
	switch (error.code) {
		case 'ECONNREFUSED':
			return new IcecastError('E_ICECAST_REFUSED', `connection refused by ${server}: is Icecast running?`, {
				cause: error,
			});
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new IcecastError(
				'E_ICECAST_DNS',
				`cannot resolve host ${w.host}${error.code === 'EAI_AGAIN' ? ' (DNS not answering)' : ''}`,
				{ cause: error },
			);
		case 'ECONNRESET':
		case 'EPIPE':
			return new IcecastError('E_ICECAST_RESET', `connection to ${server} was reset`, { cause: error });
		case 'ETIMEDOUT':
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return new IcecastError('E_ICECAST_TIMEOUT', `${server} is unreachable (${error.code})`, { cause: error });
		default:
			if (error.code && UNTRUSTED.has(error.code)) {
				const key = `servers.${w.server ?? 'NAME'}.tls_ca`;
				if (w.tlsCa)
					return new IcecastError(
						'E_ICECAST_TLS',
						`the TLS certificate of ${server} is not signed by the CA in ${key} (${w.tlsCa}): ${error.code}`,
						{ cause: error },
					);
				return new IcecastError(
					'E_ICECAST_TLS',
					`the TLS certificate of ${server} is not trusted (${error.code}): if it is self-signed or from a private CA, give that CA's certificate (PEM) as ${key}`,
					{ cause: error },
				);
			}
			if (error.code === 'CERT_HAS_EXPIRED' || error.code === 'CERT_NOT_YET_VALID')
				return new IcecastError('E_ICECAST_TLS', `the TLS certificate of ${server} is out of date (${error.code})`, {
					cause: error,
				});
			if (error.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
				return new IcecastError('E_ICECAST_TLS', `the TLS certificate of ${server} is not for ${w.host}`, {
					cause: error,
				});
			if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || error.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
				return new IcecastError(
					'E_ICECAST_TLS',
					`${server} does not speak TLS on port ${w.port}: is this its TLS port, or is tls not meant?`,
					{ cause: error },
				);
			}
			if (
				error.code?.startsWith('ERR_TLS') ||
				error.code?.startsWith('ERR_SSL') ||
				/certificate|SSL|TLS/i.test(error.message)
			) {
				return new IcecastError('E_ICECAST_TLS', `TLS with ${server} failed: ${error.message}`, { cause: error });
			}
			return new IcecastError('E_ICECAST_RESET', `connection to ${server} failed: ${error.code ?? error.message}`, {
				cause: error,
			});
	}
}
