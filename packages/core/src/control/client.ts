import { JdcastError, type JdcastErrorCode } from '../errors/index.js';
import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { HandoverResult, JackClientAnswer, ReloadResult, StatusSnapshot } from '../status/types.js';
import type { Health } from '../status/health.js';
import { requestOf, type CallArgs, type ControlApi, type ControlErrorBody, type ProfileStateAnswer } from './api.js';

/** The client of a running `jdcast up`, shared by the CLI and the Jackdaw plugin. */
export interface ControlClient {
	socketPath: string;
	status(): Promise<StatusSnapshot>;
	/** Whether every running profile is on air and audible, and if not, why. */
	health(): Promise<Health>;
	startProfile(name: string): Promise<ProfileStateAnswer>;
	stopProfile(name: string): Promise<ProfileStateAnswer>;
	setMetadata(target: string, metadata: Metadata): Promise<MetadataResult[]>;
	reload(): Promise<ReloadResult>;
	/** Takes a JACK client off a profile's input until its next start or reload (`jdcast disconnect`). */
	disconnectClient(profile: string, client: string): Promise<JackClientAnswer>;
	/** Puts a held client back, or connects a client no rule names (`jdcast connect`). */
	connectClient(profile: string, client: string): Promise<JackClientAnswer>;
	/** Hands FROM's shared mounts to TO; `stop`: stop FROM afterwards. */
	handover(from: string, to: string, options?: { force?: boolean; stop?: boolean }): Promise<HandoverResult>;
}

/** An error the control API answered with; `details` holds FILE:LINE:COL lines for a refused reload. */
export class ControlError extends JdcastError {
	readonly details: string[];

	/** `code` as the API answered it: one of jdcast's codes (a newer jdcast may have more). */
	constructor(code: string, message: string, details: string[] = []) {
		super(code as JdcastErrorCode, message);
		this.details = details;
	}
}

/**
 * Connects to the control socket. Every call throws `E_CONTROL_NOT_RUNNING` when no `jdcast up`
 * answers there, and a ControlError with the API's code for anything it refuses.
 */
export function connectController(socketPath: string): ControlClient {
	const call = async <R extends keyof ControlApi>(
		route: R,
		...args: CallArgs<ControlApi, R>
	): Promise<ControlApi[R]['response']> => {
		const { got, RequestError } = await import('got');
		const { method, path, body } = requestOf(route, args);
		try {
			const response = await got(`unix:${socketPath}:${path}`, {
				method,
				enableUnixSockets: true,
				throwHttpErrors: false,
				retry: { limit: 0 },
				timeout: { request: 30_000 },
				...(body === undefined ? {} : { json: body }),
			});
			const parsed = JSON.parse(response.body) as ControlApi[R]['response'] | ControlErrorBody;
			if (response.statusCode >= 400) {
				const { error } = parsed as ControlErrorBody;
				throw new ControlError(error.code, error.message, error.details);
			}
			return parsed as ControlApi[R]['response'];
		} catch (error) {
			if (error instanceof RequestError && ['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(error.code)) {
				throw new JdcastError('E_CONTROL_NOT_RUNNING', `no jdcast up is running on ${socketPath}`);
			}
			if (error instanceof RequestError && error.code === 'EACCES') {
				throw new JdcastError('E_CONTROL_DENIED', `not allowed to use ${socketPath}: it belongs to another user`);
			}
			throw error;
		}
	};
	return {
		socketPath,
		status: () => call('GET /status'),
		health: () => call('GET /health'),
		startProfile: (name) => call('POST /profiles/:name/start', name),
		stopProfile: (name) => call('POST /profiles/:name/stop', name),
		setMetadata: async (target, metadata) => (await call('POST /metadata', { target, ...metadata })).results,
		reload: () => call('POST /reload'),
		disconnectClient: (profile, client) => call('POST /profiles/:name/disconnect', profile, { client }),
		connectClient: (profile, client) => call('POST /profiles/:name/connect', profile, { client }),
		handover: (from, to, options = {}) => call('POST /handover', { from, to, ...options }),
	};
}
