import { trustedCa } from '../icecast/tls-ca.js';
import type { ServerConfig } from '../profile/types.js';

interface IcecastSource {
	listenurl?: string;
	listeners?: number;
	/** Only a mount a source feeds has it: Icecast also lists a mount whose listeners it moved to the fallback. */
	stream_start?: string;
}

export interface ListenerCounts {
	/** Listeners by mount; undefined when the server did not answer. */
	counts: Map<string, number> | undefined;
	/** The mounts a source feeds now (measured: a mount with no source but a fallback stays listed, without `stream_start`). */
	fed?: Set<string>;
	error?: string;
}

/**
 * Listener counts of every mount on one server, from its public `/status-json.xsl` (no
 * credentials). A single mount is an object there, several an array.
 */
export async function fetchListenerCounts(
	server: Pick<ServerConfig, 'name' | 'host' | 'port' | 'tls' | 'tlsCa'>,
): Promise<ListenerCounts> {
	const { got } = await import('got');
	try {
		const ca = await trustedCa(server);
		const https = ca === undefined ? {} : { https: { certificateAuthority: ca } };
		const status = await got(`${server.tls ? 'https' : 'http'}://${server.host}:${server.port}/status-json.xsl`, {
			timeout: { request: 2000 },
			retry: { limit: 0 },
			...https,
		}).json<{ icestats?: { source?: IcecastSource | IcecastSource[] } }>();
		const sources = status.icestats?.source;
		const list = Array.isArray(sources) ? sources : sources ? [sources] : [];
		const counts = new Map<string, number>();
		const fed = new Set<string>();
		for (const s of list) {
			if (!s.listenurl) continue;
			try {
				const mount = new URL(s.listenurl).pathname;
				counts.set(mount, Number(s.listeners ?? 0));
				if (s.stream_start) fed.add(mount);
			} catch {
				// a listen URL Icecast could not build: skip that mount
			}
		}
		return { counts, fed };
	} catch (error) {
		return {
			counts: undefined,
			error: `listener counts from ${server.host}:${server.port} unavailable: ${(error as { code?: string }).code ?? (error as Error).message}`,
		};
	}
}
