import type { SourceConnection } from '../icecast/source-connection.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { sameEncoding, targetKey } from '../profile/cross-check.js';
import type { ServerConfig } from '../profile/types.js';
import type { MountChangeReason, MountEvent, MountOnServer, MountSource } from '../status/types.js';
import type { AirCheck, AirFeed } from './air-check.js';

/** What the broker needs of an output: where it sends, whether it is on air or waits, and moving its connection. */
export type BrokeredOutput = Pick<
	IcecastOutput,
	| 'server'
	| 'mount'
	| 'shared'
	| 'covering'
	| 'onAir'
	| 'state'
	| 'lastErrorCode'
	| 'feed'
	| 'encoding'
	| 'handOff'
	| 'adopt'
>;

/** What the broker needs of a running profile: its name, its outputs, and covering a mount for another. */
export interface MountRunner {
	readonly name: string;
	readonly icecastOutputs: readonly BrokeredOutput[];
	/** Resolves once the cover's first unit is on the connection; undefined when it cannot cover. */
	cover(server: ServerConfig, mount: string, fd: number, connection: SourceConnection): Promise<unknown> | undefined;
	uncover(output: BrokeredOutput): void;
}

/** A reason given before an action stays this long for the change it causes. */
const INTENT_MS = 15_000;
/** Icecast's source timeout (10 s by default) and a little: how long our own dropped connection may hold a mount. */
const OWN_GHOST_MS = 12_000;
/** Icecast lists a mount for a moment after its source hung up: a page asked for sooner after ours left proves nothing. */
const LISTING_GRACE_MS = 2000;
/** The longest a move of connections may hide its passing states (a handover's adopt times out sooner). */
const MOVING_MAX_MS = 6000;

interface Holding {
	server: string;
	mount: string;
	url: string;
	fallback: string | null;
	source: MountSource;
	since: Date;
}

/**
 * The one place that knows who holds each mount of each server: a profile of this jdcast, a
 * source outside it (`external`: our shared output waits, Icecast says the mount is in use), or
 * nobody (listeners on the fallback). Derived from the outputs' states each time one changes,
 * never kept by hand beside them; whoever acts on a mount (handover, schedule, dead air, stop)
 * says why beforehand, and the change it causes carries that reason in its `mount` event.
 * It also moves a shared mount inside this process: covering it from the fallback's profile while
 * no DJ has it (`keep: true`), and handing it from the cover to the DJ who wants it.
 */
export class MountBroker {
	private readonly runners = new Map<string, MountRunner>();
	private readonly holdings = new Map<string, Holding>();
	private readonly intents = new Map<string, { reason: MountChangeReason; until: number }>();
	/** Actions under way whose passing states (a mount between two DJs for a few ms) are not news. */
	private busy = 0;
	/** When one of ours last fed each mount (infinity: now): a status page asked for before then lists our own source. */
	private readonly oursAt = new Map<string, number>();
	/** What each server last listed as live in its status page, and when it was asked for (by server key). */
	private readonly listings = new Map<string, { mounts: Set<string>; at: number }>();
	/** Air checks by mount: each follows whoever holds its mount. */
	private airChecks = new Map<string, AirCheck>();

	constructor(
		private readonly emit: (event: MountEvent) => void,
		private readonly now: () => number = Date.now,
	) {}

	register(runner: MountRunner): void {
		this.runners.set(runner.name, runner);
		this.refresh();
	}

	/** A profile stopped: its mounts are looked at once more (with the reason said for the stop), then the reason goes. */
	unregister(name: string): void {
		const keys = (this.runners.get(name)?.icecastOutputs ?? []).map(keyOf);
		this.runners.delete(name);
		this.refresh();
		for (const key of keys) this.intents.delete(key);
	}

	/**
	 * The next change of these profiles' mounts (every mount when none is named) happens for
	 * `reason`: said just before acting.
	 */
	intend(reason: MountChangeReason, profiles?: readonly string[]): void {
		const keys = profiles
			? profiles.flatMap((name) => (this.runners.get(name)?.icecastOutputs ?? []).map(keyOf))
			: [...this.holdings.keys()];
		for (const key of keys) this.intents.set(key, { reason, until: this.now() + INTENT_MS });
	}

	/**
	 * Runs an action that moves mounts (a handover) and reports only where it ends: a mount that is
	 * nobody's for the milliseconds between two DJs is not a change of source.
	 */
	async moving<T>(reason: MountChangeReason, profiles: readonly string[], action: () => Promise<T>): Promise<T> {
		this.intend(reason, profiles);
		const release = this.suspend();
		try {
			return await action();
		} finally {
			release();
			this.forget(profiles);
		}
	}

	/** The air checks of this run (`servers.NAME.mounts.MOUNT.record`), which follow their mounts' sources from now on. */
	setAirChecks(checks: readonly AirCheck[]): void {
		this.airChecks = new Map(checks.map((check) => [targetKey(check.server, check.mount), check]));
		this.refresh();
	}

	/**
	 * A server's status page was read: the mounts it lists have a source. One of them that no profile
	 * here feeds nor waits for is held by a source outside this jdcast.
	 */
	listed(server: ServerConfig, mounts: Iterable<string>, askedAt: number): void {
		this.listings.set(targetKey(server, ''), { mounts: new Set(mounts), at: askedAt });
		this.refresh();
	}

	/** Until the returned function is called (at most MOVING_MAX_MS), changes are looked at only then. */
	private suspend(): () => void {
		this.busy++;
		let done = false;
		const release = () => {
			if (done) return;
			done = true;
			clearTimeout(limit);
			this.busy--;
			this.refresh();
		};
		// A move that never completes (its connection never written to) must not hide every later change.
		const limit = setTimeout(release, MOVING_MAX_MS);
		limit.unref?.();
		return release;
	}

	/** Looks at every output again; emits a `mount` event for each mount whose source changed. */
	refresh(): void {
		if (this.busy > 0) return;
		const outputs = this.outputsByMount();
		// A mount one of ours has left was ours until now: a status page asked for before now still lists it.
		for (const [key, at] of this.oursAt)
			if (at === Number.POSITIVE_INFINITY && !outputs.get(key)?.some((o) => o.output.onAir))
				this.oursAt.set(key, this.now());
		for (const key of new Set([...outputs.keys(), ...this.airChecks.keys()])) {
			const list = outputs.get(key) ?? [];
			const known = this.holdings.get(key);
			const fallback = this.fallbackOf(key, list);
			// A profile that says the fallback may come after the first look: always the latest word.
			if (known) known.fallback = fallback;
			let ours = sourceOf(list);
			if (ours !== null && ours !== 'external') this.oursAt.set(key, Number.POSITIVE_INFINITY);
			// Refused a moment after one of ours left (a dropped connection Icecast has not noticed yet holds the
			// mount until its source timeout): that may be our own ghost, not another DJ. Nobody, unless the server says.
			if (ours === 'external' && this.now() < (this.oursAt.get(key) ?? Number.NEGATIVE_INFINITY) + OWN_GHOST_MS)
				ours = null;
			const source = ours ?? (this.listedSince(key) ? 'external' : null);
			// Whoever holds it, the air check records what listeners hear (the fallback's feeder may have changed).
			this.airChecks.get(key)?.follow(this.feedOf(key, source, fallback, list, outputs));
			if (known && known.source === source) continue;
			const first = list[0]?.output;
			const check = this.airChecks.get(key);
			const server = first?.server ?? check!.server;
			const mount = first?.mount ?? check!.mount;
			const since = new Date(this.now());
			const holding: Holding = {
				server: server.name,
				mount,
				url: `${server.tls ? 'https' : 'http'}://${server.host}:${server.port}${mount}`,
				fallback,
				source,
				since,
			};
			this.holdings.set(key, holding);
			// The first look at a mount is where it starts, not a change.
			if (!known && source === null) continue;
			this.emit({
				profile: source === null || source === 'external' ? '' : source,
				server: holding.server,
				mount: holding.mount,
				source,
				previous: known?.source ?? null,
				since: since.toISOString(),
				reason: this.reasonFor(key, source),
			});
		}
		// A mount no running profile has any more is nobody's, and forgotten (an air check's stays: its listeners do).
		for (const [key, holding] of this.holdings) {
			if (outputs.has(key) || this.airChecks.has(key)) continue;
			this.holdings.delete(key);
			if (holding.source !== null)
				this.emit({
					profile: '',
					server: holding.server,
					mount: holding.mount,
					source: null,
					previous: holding.source,
					since: new Date(this.now()).toISOString(),
					reason: this.reasonFor(key, null),
				});
		}
	}

	/** A mount's fallback as any running profile (or its air check) says it: profiles may say different parts. */
	private fallbackOf(key: string, list: readonly { output: BrokeredOutput; runner: MountRunner }[]): string | null {
		const check = this.airChecks.get(key);
		const mount = list[0]?.output.mount ?? check?.mount;
		if (mount === undefined) return null;
		const servers = [...list.map((o) => o.output.server), ...(check ? [check.server] : [])];
		for (const runner of this.runners.values())
			for (const output of runner.icecastOutputs)
				if (targetKey(output.server, mount) === key) servers.push(output.server);
		return servers.map((s) => s.mounts[mount]?.fallback).find((f) => f !== undefined) ?? null;
	}

	/** An action on these profiles has ended: a reason said for it and not used is not given to a later change. */
	forget(profiles: readonly string[]): void {
		const keys = new Set(profiles.flatMap((name) => (this.runners.get(name)?.icecastOutputs ?? []).map(keyOf)));
		for (const key of keys) this.intents.delete(key);
	}

	/** Who feeds the mount at this listen URL, since when, its fallback (and who feeds that) and its air check. */
	holderAt(url: string): Omit<MountOnServer, 'server' | 'url' | 'listeners'> {
		for (const [key, h] of this.holdings)
			if (h.url === url) {
				const fallbackKey = h.fallback === null ? undefined : key.slice(0, key.length - h.mount.length) + h.fallback;
				const behind = fallbackKey === undefined ? undefined : this.holdings.get(fallbackKey);
				return {
					source: h.source,
					sourceSince: h.since.toISOString(),
					fallback: h.fallback,
					fallbackSource:
						fallbackKey === undefined ? null : (behind?.source ?? (this.listedSince(fallbackKey) ? 'external' : null)),
					recording: this.airChecks.get(key)?.status() ?? null,
				};
			}
		return { source: null, sourceSince: null, fallback: null, fallbackSource: null, recording: null };
	}

	/**
	 * Whether the server listed this mount as live in a status page asked for after one of ours last fed
	 * it (a page asked for before then lists our own source).
	 */
	private listedSince(key: string): boolean {
		const slash = key.indexOf('/');
		const listing = this.listings.get(key.slice(0, slash));
		if (!listing?.mounts.has(key.slice(slash))) return false;
		return listing.at > (this.oursAt.get(key) ?? Number.NEGATIVE_INFINITY) + LISTING_GRACE_MS;
	}

	private outputsByMount(): Map<string, { output: BrokeredOutput; runner: MountRunner }[]> {
		const outputs = new Map<string, { output: BrokeredOutput; runner: MountRunner }[]>();
		for (const runner of this.runners.values())
			for (const output of runner.icecastOutputs) {
				const key = keyOf(output);
				outputs.set(key, [...(outputs.get(key) ?? []), { output, runner }]);
			}
		return outputs;
	}

	/**
	 * What an air check records: the holder's encoder; while nobody holds the mount, the encoder of
	 * whoever here feeds its fallback (listeners are there); else the server, as a listener hears it.
	 */
	private feedOf(
		key: string,
		source: MountSource,
		fallback: string | null,
		list: readonly { output: BrokeredOutput; runner: MountRunner }[],
		all: Map<string, { output: BrokeredOutput; runner: MountRunner }[]>,
	): AirFeed {
		const onAir = (entries: readonly { output: BrokeredOutput; runner: MountRunner }[] | undefined) =>
			entries?.find((o) => o.output.onAir);
		const holder = onAir(list);
		if (holder) return { tap: holder.output.feed, label: holder.runner.name };
		if (source === 'external') return { listen: true, label: 'external' };
		const check = this.airChecks.get(key)!;
		const behind = fallback === null ? undefined : onAir(all.get(targetKey(check.server, fallback)));
		if (behind) return { tap: behind.output.feed, label: behind.runner.name };
		// Fed from outside this jdcast (the server says so): heard as a listener. Nobody anywhere: nothing to record.
		if (fallback !== null && this.listedSince(targetKey(check.server, fallback)))
			return { listen: true, label: 'fallback' };
		return { idle: true };
	}

	/** Who feeds the shared mounts (the first one a running profile has): what a station is on air with. */
	sharedSource(): MountSource {
		for (const runner of this.runners.values())
			for (const output of runner.icecastOutputs)
				if (output.shared) return this.holdings.get(keyOf(output))?.source ?? null;
		return null;
	}

	/** Whether a running profile is on air on one of its shared mounts. */
	holdsSharedMount(name: string): boolean {
		return this.runners.get(name)?.icecastOutputs.some((o) => o.shared && o.onAir) ?? false;
	}

	/**
	 * A shared output gives up its mount: if the mount is to be kept (`servers.NAME.mounts` with
	 * `keep: true`) and another running profile feeds its fallback with the same encoding, that
	 * profile takes the live connection and covers the mount, so that listeners stay where they
	 * are. Returns whether it did.
	 */
	coverFrom(owner: string, output: BrokeredOutput, log: (profile: string, message: string) => void): boolean {
		const settings = output.server.mounts[output.mount];
		// Only where asked (`keep: true`): a covered mount is never free for a DJ on another machine.
		if (!settings?.keep || settings.fallback === undefined) return false;
		const key = targetKey(output.server, settings.fallback);
		for (const runner of this.runners.values()) {
			if (runner.name === owner) continue;
			const feeder = runner.icecastOutputs.find(
				(o) => keyOf(o) === key && sameEncoding(o.encoding, output.encoding) && o.onAir,
			);
			if (!feeder) continue;
			// The mount between the DJ and the cover for a few ms is no change of source to report.
			const release = this.suspend();
			const held = output.handOff();
			const covering = held && runner.cover(feeder.server, output.mount, feeder.encoding.fd, held.connection);
			if (!held) release();
			else if (!covering) {
				held.connection.close();
				release();
			} else {
				void covering.catch(() => {}).finally(release);
				log(runner.name, `covering ${output.mount} from ${settings.fallback} until a DJ takes it`);
			}
			return held !== undefined;
		}
		return false;
	}

	/** A shared output finds its mount held: if a cover of this process holds it, the mount goes over on its connection. */
	takeFromCover(output: BrokeredOutput): void {
		const key = keyOf(output);
		for (const runner of this.runners.values()) {
			const cover = runner.icecastOutputs.find((o) => o.covering && o !== output && keyOf(o) === key);
			if (!cover) continue;
			const release = this.suspend();
			const held = cover.handOff();
			runner.uncover(cover);
			// Refused (the DJ stopped meanwhile): the connection is closed, so that Icecast's fallback takes the listeners.
			if (held)
				void output
					.adopt(held.connection)
					.catch(() => held.connection.close())
					.finally(release);
			else release();
			return;
		}
	}

	private reasonFor(key: string, source: MountSource): MountChangeReason {
		const intent = this.intents.get(key);
		this.intents.delete(key);
		if (intent && intent.until >= this.now()) return intent.reason;
		if (source === 'external') return 'external';
		if (source === null) return 'fallback';
		return 'start';
	}
}

function keyOf(output: Pick<BrokeredOutput, 'server' | 'mount'>): string {
	return targetKey(output.server, output.mount);
}

/**
 * One mount's source from the outputs that feed or want it: the profile on air there; else
 * `external` when one of ours waits because Icecast says the mount is in use; else nobody.
 */
function sourceOf(list: readonly { output: BrokeredOutput; runner: MountRunner }[]): MountSource {
	const onAir = list.find((o) => o.output.onAir);
	if (onAir) return onAir.runner.name;
	const blocked = list.some(
		(o) =>
			o.output.state === 'waiting' ||
			(o.output.state === 'retrying' && o.output.lastErrorCode === 'E_ICECAST_MOUNT_IN_USE'),
	);
	return blocked ? 'external' : null;
}
