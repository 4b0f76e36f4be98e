import { targetKey } from '../profile/cross-check.js';
import type { ServerConfig } from '../profile/types.js';
import type { MountChangeReason, MountEvent, MountOnServer, MountSource } from '../status/types.js';
import type { AirCheck, AirFeed } from './air-check.js';
import { coverFrom, takeFromCover } from './covers.js';
import { keyOf, sourceOf, type BrokeredOutput, type MountRunner } from './mount-runner.js';
import { OutsideSources } from './outside-sources.js';

export type { BrokeredOutput, MountRunner } from './mount-runner.js';

/** A reason given before an action stays this long for the change it causes. */
const INTENT_MS = 15_000;
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
	/** Reasons said before acting, by the profile acted on (its outputs may not exist yet), each used once per mount. */
	private readonly intents = new Map<string, { reason: MountChangeReason; until: number; used: Set<string> }>();
	/** Actions under way whose passing states (a mount between two DJs for a few ms) are not news. */
	private busy = 0;
	/** What says a source outside this jdcast holds a mount. */
	private readonly outside: OutsideSources;
	/** Air checks by mount: each follows whoever holds its mount. */
	private airChecks = new Map<string, AirCheck>();

	constructor(
		private readonly emit: (event: MountEvent) => void,
		private readonly now: () => number = Date.now,
	) {
		this.outside = new OutsideSources(now);
	}

	register(runner: MountRunner): void {
		this.runners.set(runner.name, runner);
		this.refresh();
	}

	/** A profile stopped: its mounts are looked at once more (with the reason said for the stop), then the reason goes. */
	unregister(name: string): void {
		this.runners.delete(name);
		this.refresh();
		this.forget([name]);
	}

	/** The next change of these profiles' mounts, to them or from them, happens for `reason`: said just before acting. */
	intend(reason: MountChangeReason, profiles: readonly string[]): void {
		for (const name of profiles) this.intents.set(name, { reason, until: this.now() + INTENT_MS, used: new Set() });
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
		this.outside.listed(targetKey(server, ''), mounts, askedAt);
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
		this.outside.left((key) => outputs.get(key)?.some((o) => o.output.onAir) ?? false);
		for (const key of new Set([...outputs.keys(), ...this.airChecks.keys()])) {
			const list = outputs.get(key) ?? [];
			const known = this.holdings.get(key);
			const fallback = this.fallbackOf(key, list);
			// A profile that says the fallback may come after the first look: always the latest word.
			if (known) known.fallback = fallback;
			let ours = sourceOf(list);
			if (ours !== null && ours !== 'external') this.outside.feeding(key);
			// Refused a moment after one of ours left (a dropped connection Icecast has not noticed yet holds the
			// mount until its source timeout): that may be our own ghost, not another DJ. Nobody, unless the server says.
			if (ours === 'external' && this.outside.mayBeOwnGhost(key)) ours = null;
			// One of ours on its first connection may be the source the status page lists (it is not on air
			// until its first bytes, which a loaded machine delays): not believed to be someone else's yet.
			const firstTry = list.some((o) => o.output.state === 'connecting');
			const source = ours ?? (!firstTry && this.outside.listedSince(key) ? 'external' : null);
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
				reason: this.reasonFor(key, source, known?.source ?? null),
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
					reason: this.reasonFor(key, null, holding.source),
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

	/** An action on these profiles has ended (or they stopped): a reason said for it and not used goes. */
	private forget(profiles: readonly string[]): void {
		for (const name of profiles) this.intents.delete(name);
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
						fallbackKey === undefined
							? null
							: (behind?.source ?? (this.outside.listedSince(fallbackKey) ? 'external' : null)),
					recording: this.airChecks.get(key)?.status() ?? null,
				};
			}
		return { source: null, sourceSince: null, fallback: null, fallbackSource: null, recording: null };
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
		if (fallback !== null && this.outside.listedSince(targetKey(check.server, fallback)))
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

	/** A shared output gives up its mount: a profile feeding its fallback covers it if the mount is kept (covers.ts). */
	coverFrom(owner: string, output: BrokeredOutput, log: (profile: string, message: string) => void): boolean {
		return coverFrom(this.runners.values(), owner, output, log, () => this.suspend());
	}

	/** A shared output finds its mount held: a cover of this process hands it over (covers.ts). */
	takeFromCover(output: BrokeredOutput): void {
		takeFromCover(this.runners.values(), output, () => this.suspend());
	}

	/** Why a mount went from `previous` to `source`: what was said for the one who takes it, or else for the one who left. */
	private reasonFor(key: string, source: MountSource, previous: MountSource): MountChangeReason {
		const said = (name: MountSource) => {
			const intent = name === null ? undefined : this.intents.get(name);
			if (!intent || intent.until < this.now() || intent.used.has(key)) return undefined;
			intent.used.add(key);
			return intent.reason;
		};
		const intent = said(source) ?? said(previous);
		if (intent) return intent;
		if (source === 'external') return 'external';
		if (source === null) return 'fallback';
		return 'start';
	}
}
