/** Icecast's source timeout (10 s by default) and a little: how long our own dropped connection may hold a mount. */
const OWN_GHOST_MS = 12_000;
/** Icecast lists a mount for a moment after its source hung up: a page asked for sooner after ours left proves nothing. */
const LISTING_GRACE_MS = 2000;

/**
 * What says a source outside this jdcast holds a mount, and when to believe it: the server's
 * status page (a real source has `stream_start`), read after one of ours last fed the mount (a
 * page asked for before then lists our own source), and a refusal ("mountpoint in use") only once
 * our own dropped connection can no longer be what holds it. Keyed as cross-check.ts keys mounts.
 */
export class OutsideSources {
	/** When one of ours last fed each mount (infinity: now). */
	private readonly oursAt = new Map<string, number>();
	/** What each server last listed as fed, and when it was asked for (by server key: `host:port`). */
	private readonly listings = new Map<string, { mounts: Set<string>; at: number }>();

	constructor(private readonly now: () => number) {}

	/** A server's status page, asked for at `askedAt`: the mounts a source feeds there. */
	listed(serverKey: string, mounts: Iterable<string>, askedAt: number): void {
		this.listings.set(serverKey, { mounts: new Set(mounts), at: askedAt });
	}

	/** One of ours feeds this mount now. */
	feeding(key: string): void {
		this.oursAt.set(key, Number.POSITIVE_INFINITY);
	}

	/** Any mount one of ours fed until now and `stillFed` says is not fed any more has just been left. */
	left(stillFed: (key: string) => boolean): void {
		for (const [key, at] of this.oursAt)
			if (at === Number.POSITIVE_INFINITY && !stillFed(key)) this.oursAt.set(key, this.now());
	}

	/** Whether a refusal now may still be our own dropped connection, not another source. */
	mayBeOwnGhost(key: string): boolean {
		return this.now() < (this.oursAt.get(key) ?? Number.NEGATIVE_INFINITY) + OWN_GHOST_MS;
	}

	/** Whether the server listed this mount as fed in a page asked for well after one of ours last fed it. */
	listedSince(key: string): boolean {
		const slash = key.indexOf('/');
		const listing = this.listings.get(key.slice(0, slash));
		if (!listing?.mounts.has(key.slice(slash))) return false;
		return listing.at > (this.oursAt.get(key) ?? Number.NEGATIVE_INFINITY) + LISTING_GRACE_MS;
	}
}
