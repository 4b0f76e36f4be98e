import { trustedCa } from '../../icecast/tls-ca.js';
import { updateAdminMetadata } from '../../metadata/admin.js';
import { songLine, type Metadata } from '../../metadata/types.js';
import type { Secret } from '../../profile/secret.js';
import type { ServerConfig } from '../../profile/types.js';
import type { Clock } from '../../util/clock.js';

export interface AdminCredentials {
	user: string;
	password: Secret;
}

/**
 * A target's "now playing". Ogg targets get it in band from their tap, so it is only remembered for
 * status; MP3 and AAC (ADTS) carry no tags in band, so it goes through Icecast's admin API, now if live and again
 * after every reconnect (Icecast forgets it with the source).
 */
export class NowPlaying {
	private metadata: Metadata | undefined;

	constructor(
		private readonly o: {
			server: ServerConfig;
			mount: string;
			/** MP3 and AAC: no tags in band, so through Icecast's admin API. */
			viaAdmin: boolean;
			/** The admin API's credentials, when there are any (the source ones when none are given). */
			credentials: AdminCredentials | undefined;
			/** What the resend after a reconnect waits on. */
			clock: Clock;
		},
	) {}

	get line(): string | null {
		return this.metadata ? songLine(this.metadata) : null;
	}

	/** New metadata; an MP3 or AAC target that is `live` sends it at once. */
	async set(metadata: Metadata, live: boolean): Promise<void> {
		this.metadata = metadata;
		if (this.o.viaAdmin && live) await this.send();
	}

	/**
	 * A connection was made: an MP3 or AAC target sends its metadata again shortly after, because Icecast
	 * takes metadata for a mount only once the source is on it. A failure is only noted.
	 */
	connected(note: (cause: { message: string; code: string }) => void): void {
		if (!this.o.viaAdmin || !this.metadata) return;
		const resend = () =>
			this.send().catch((error: Error & { code?: string }) =>
				note({ message: error.message, code: error.code ?? 'E_ICECAST_HTTP' }),
			);
		this.o.clock.setTimeout(() => void resend(), 200).unref();
	}

	private async send(): Promise<void> {
		const { server } = this.o;
		const { credentials } = this.o;
		if (!this.metadata || !credentials) return;
		const ca = await trustedCa(server);
		await updateAdminMetadata(
			{
				host: server.host,
				port: server.port,
				tls: server.tls,
				...(ca === undefined ? {} : { ca }),
				mount: this.o.mount,
				...credentials,
			},
			songLine(this.metadata),
		);
	}
}
