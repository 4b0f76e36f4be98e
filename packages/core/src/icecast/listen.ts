import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerConfig } from '../profile/types.js';
import { backoffDelay } from '../util/backoff.js';
import { trustedCa } from './tls-ca.js';

/** A mount that does not answer (nobody feeds it, no fallback) is asked again after this, growing. */
const RETRY = { firstMs: 1000, capMs: 10_000 };
/** How long a connection may take to answer before it counts as failed. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * Listens to a mount as a listener would (an air check of a source outside this jdcast): each
 * connection's bytes go to `take`, a new connection after each end, until `signal` aborts. Icecast
 * moves this listener to the fallback and back as it moves every other, so what arrives is what
 * listeners hear. Each new connection is announced first (`connected`), since its stream starts
 * anew (Ogg headers, a new first frame).
 */
export async function listenToMount(
	server: Pick<ServerConfig, 'name' | 'host' | 'port' | 'tls' | 'tlsCa'>,
	mount: string,
	on: { connected: () => void; take: (chunk: Buffer) => void; failed: (message: string) => void },
	signal: AbortSignal,
): Promise<void> {
	const { got } = await import('got');
	const url = `${server.tls ? 'https' : 'http'}://${server.host}:${server.port}${mount}`;
	let failures = 0;
	while (!signal.aborted) {
		try {
			const ca = await trustedCa(server);
			const stream = got.stream(url, {
				retry: { limit: 0 },
				timeout: { lookup: ANSWER_TIMEOUT_MS, connect: ANSWER_TIMEOUT_MS, response: ANSWER_TIMEOUT_MS },
				headers: { 'user-agent': 'jdcast air check' },
				signal,
				...(ca === undefined ? {} : { https: { certificateAuthority: ca } }),
			});
			let started = false;
			await new Promise<void>((resolve, reject) => {
				stream.on('data', (chunk: Buffer) => {
					if (signal.aborted) return;
					if (!started) {
						started = true;
						failures = 0;
						on.connected();
					}
					on.take(chunk);
				});
				stream.once('end', resolve);
				stream.once('error', reject);
			});
		} catch (error) {
			if (signal.aborted) return;
			failures++;
			if (failures === 1) on.failed(`listening to ${url} for the air check: ${(error as Error).message}`);
		}
		await sleep(Math.max(RETRY.firstMs, backoffDelay(failures + 1, RETRY)), undefined, { signal }).catch(() => {});
	}
}
