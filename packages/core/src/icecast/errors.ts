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
}

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

export function fromStatus(status: number, body: string, w: Where): IcecastError {
	const at = `${w.host}:${w.port}${w.mount}`;
	if (status === 401) return new IcecastError('E_ICECAST_AUTH', `wrong credentials: ${at} refused user "${w.user}" (401); check the source password`, { status });
	if (status === 403 && /in use/i.test(body)) return new IcecastError('E_ICECAST_MOUNT_IN_USE', `mountpoint in use: another source is feeding ${at} (403)`, { status });
	const reason = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
	return new IcecastError('E_ICECAST_HTTP', `${at} answered ${status}${reason ? `: ${reason}` : ''}`, { status });
}

export function fromSocketError(error: NodeJS.ErrnoException, w: Where): IcecastError {
	const server = `${w.host}:${w.port}`;
	switch (error.code) {
		case 'ECONNREFUSED':
			return new IcecastError('E_ICECAST_REFUSED', `connection refused by ${server}: is Icecast running?`, { cause: error });
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new IcecastError('E_ICECAST_DNS', `cannot resolve host ${w.host}${error.code === 'EAI_AGAIN' ? ' (DNS not answering)' : ''}`, { cause: error });
		case 'ECONNRESET':
		case 'EPIPE':
			return new IcecastError('E_ICECAST_RESET', `connection to ${server} was reset`, { cause: error });
		case 'ETIMEDOUT':
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return new IcecastError('E_ICECAST_TIMEOUT', `${server} is unreachable (${error.code})`, { cause: error });
		default:
			if (error.code?.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(error.message)) {
				return new IcecastError('E_ICECAST_TLS', `TLS with ${server} failed: ${error.message}`, { cause: error });
			}
			return new IcecastError('E_ICECAST_RESET', `connection to ${server} failed: ${error.code ?? error.message}`, { cause: error });
	}
}
