import { AbortError } from 'p-retry';
import { IcecastError } from '../../icecast/errors.js';
import { sourceHeaders } from '../../icecast/headers.js';
import { SourceConnection } from '../../icecast/source-connection.js';
import { trustedCa } from '../../icecast/tls-ca.js';
import type { EncoderPlan } from '../../plan/plan.js';
import type { Secret } from '../../profile/secret.js';
import type { ServerConfig, StreamInfo } from '../../profile/types.js';

const ANSWER_TIMEOUT_MS = 5000;
/** Seconds of audio that may wait for a slow server before it counts as stalled. */
const QUEUE_SECONDS = 10;
const MIN_QUEUE_BYTES = 256 * 1024;

/** Where one output sends, and what it tells the server about it. */
export interface SourceTarget {
	server: ServerConfig;
	mount: string;
	info: StreamInfo;
	encoder: EncoderPlan;
	/** Undefined when it could not be resolved: no attempt can succeed. */
	password: Secret | undefined;
}

/**
 * One attempt to become the source of a mount. A fault that trying again cannot mend (no password,
 * a wrong one) is thrown as p-retry's AbortError, so that the retry loop stops at once.
 */
export async function openSource(target: SourceTarget, signal: AbortSignal): Promise<SourceConnection> {
	const { server, encoder, password } = target;
	if (!password) throw new AbortError('no password');
	try {
		const ca = await trustedCa(server);
		const connection = await SourceConnection.open({
			host: server.host,
			port: server.port,
			server: server.name,
			tls: server.tls,
			...(ca === undefined ? {} : { ca, tlsCa: server.tlsCa! }),
			user: server.user,
			mount: target.mount,
			answerTimeoutMs: ANSWER_TIMEOUT_MS,
			signal,
			maxQueuedBytes: Math.max(MIN_QUEUE_BYTES, ((encoder.bitrate ?? 1411) * 1000 * QUEUE_SECONDS) / 8),
			headers: sourceHeaders({
				user: server.user,
				password,
				// Only streamable formats reach an output (wav is refused for streams at validation).
				contentType: encoder.contentType ?? 'application/octet-stream',
				info: target.info,
				audioInfo: {
					channels: encoder.channels,
					samplerate: encoder.samplerate,
					bitrate: encoder.bitrate,
				},
			}),
		});
		// The wait was ended while this attempt was under way (stopped, parked, a connection adopted): not wanted.
		if (signal.aborted) {
			connection.close();
			throw new AbortError('not wanted any more');
		}
		return connection;
	} catch (error) {
		if (error instanceof IcecastError && !error.transient) throw new AbortError(error);
		throw error;
	}
}
