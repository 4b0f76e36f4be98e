import type { SourceConnection } from '../icecast/source-connection.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { sameEncoding, targetKey } from '../profile/cross-check.js';
import type { ServerConfig } from '../profile/types.js';
import type { MountChangeReason, MountEvent, MountOnServer, MountSource } from '../status/types.js';
import type { AirCheck, AirFeed } from './air-check.js';

/** What the broker needs of a running profile: its name, its outputs, and covering a mount for another. */
export interface MountRunner {
	readonly name: string;
	readonly icecastOutputs: readonly IcecastOutput[];
	cover(server: ServerConfig, mount: string, fd: number, connection: SourceConnection): IcecastOutput | undefined;
	uncover(output: IcecastOutput): void;
}

/** A reason given before an action stays this long for the change it causes. */
const INTENT_MS = 15_000;

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

	unregister(name: string): void {
		this.runners.delete(name);
		this.refresh();
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
		this.busy++;
		try {
			return await action();
		} finally {
			this.busy--;
			this.refresh();
		}
	}

	/** The air checks of this run (`servers.NAME.mounts.MOUNT.record`), which follow their mounts' sources from now on. */
	setAirChecks(checks: readonly AirCheck[]): void {
		this.airChecks = new Map(checks.map((check) => [targetKey(check.server, check.mount), check]));
		this.refresh();
	}

	/** Looks at every output again; emits a `mount` event for each mount whose source changed. */
	refresh(): void {
		if (this.busy > 0) return;
		const outputs = this.outputsByMount();
		for (const key of new Set([...outputs.keys(), ...this.airChecks.keys()])) {
			const list = outputs.get(key) ?? [];
			const source = sourceOf(list);
			const known = this.holdings.get(key);
			// Whoever holds it, the air check records what listeners hear (the fallback's feeder may have changed).
			this.airChecks.get(key)?.follow(this.feedOf(key, source, list, outputs));
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
				fallback:
					[server, ...list.map((o) => o.output.server)].map((s) => s.mounts[mount]?.fallback).find(Boolean) ?? null,
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

	/** Who feeds the mount at this listen URL, since when, its fallback and its air check. */
	holderAt(url: string): Pick<MountOnServer, 'source' | 'sourceSince' | 'fallback' | 'recording'> {
		for (const [key, h] of this.holdings)
			if (h.url === url)
				return {
					source: h.source,
					sourceSince: h.since.toISOString(),
					fallback: h.fallback,
					recording: this.airChecks.get(key)?.status() ?? null,
				};
		return { source: null, sourceSince: null, fallback: null, recording: null };
	}

	private outputsByMount(): Map<string, { output: IcecastOutput; runner: MountRunner }[]> {
		const outputs = new Map<string, { output: IcecastOutput; runner: MountRunner }[]>();
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
		list: readonly { output: IcecastOutput; runner: MountRunner }[],
		all: Map<string, { output: IcecastOutput; runner: MountRunner }[]>,
	): AirFeed {
		const onAir = (entries: readonly { output: IcecastOutput; runner: MountRunner }[] | undefined) =>
			entries?.find((o) => o.output.onAir);
		const holder = onAir(list);
		if (holder) return { tap: holder.output.feed, label: holder.runner.name };
		if (source === 'external') return { listen: true, label: 'external' };
		const check = this.airChecks.get(key)!;
		const fallback = check.server.mounts[check.mount]?.fallback;
		const behind = fallback === undefined ? undefined : onAir(all.get(targetKey(check.server, fallback)));
		if (behind) return { tap: behind.output.feed, label: behind.runner.name };
		return { listen: true, label: 'fallback' };
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
	coverFrom(owner: string, output: IcecastOutput, log: (profile: string, message: string) => void): boolean {
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
			const held = output.handOff();
			if (!held) return false;
			if (runner.cover(feeder.server, output.mount, feeder.encoding.fd, held.connection)) {
				log(runner.name, `covering ${output.mount} from ${settings.fallback} until a DJ takes it`);
				return true;
			}
			held.connection.close();
			return true;
		}
		return false;
	}

	/** A shared output finds its mount held: if a cover of this process holds it, the mount goes over on its connection. */
	takeFromCover(output: IcecastOutput): void {
		const key = keyOf(output);
		for (const runner of this.runners.values()) {
			const cover = runner.icecastOutputs.find((o) => o.covering && o !== output && keyOf(o) === key);
			if (!cover) continue;
			const held = cover.handOff();
			runner.uncover(cover);
			if (held) void output.adopt(held.connection);
			return;
		}
	}

	private reasonFor(key: string, source: MountSource): MountChangeReason {
		const intent = this.intents.get(key);
		if (intent && intent.until >= this.now()) {
			// A handover or a schedule boundary passes through "nobody" for a moment: the reason holds for both steps.
			if (source !== null) this.intents.delete(key);
			return intent.reason;
		}
		this.intents.delete(key);
		if (source === 'external') return 'external';
		if (source === null) return 'fallback';
		return 'start';
	}
}

function keyOf(output: IcecastOutput): string {
	return targetKey(output.server, output.mount);
}

/**
 * One mount's source from the outputs that feed or want it: the profile on air there; else
 * `external` when one of ours waits because Icecast says the mount is in use; else nobody.
 */
function sourceOf(list: readonly { output: IcecastOutput; runner: MountRunner }[]): MountSource {
	const onAir = list.find((o) => o.output.onAir);
	if (onAir) return onAir.runner.name;
	const blocked = list.some(
		(o) =>
			o.output.state === 'waiting' ||
			(o.output.state === 'retrying' && o.output.lastErrorCode === 'E_ICECAST_MOUNT_IN_USE'),
	);
	return blocked ? 'external' : null;
}
