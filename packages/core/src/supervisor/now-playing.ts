import type { Tap } from '../fanout/tap.js';
import { tagsInBand } from '../formats/index.js';
import { cleanMetadata, type Metadata, type MetadataResult, songLine } from '../metadata/types.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { RecordingSink } from '../outputs/recording.js';
import { type Clock, realClock } from '../util/clock.js';
import type { EncodePlan } from '../plan/plan.js';
import { DEFAULT_NOW_PLAYING_INTERVAL } from '../profile/defaults.js';
import type { Profile } from '../profile/types.js';
import { Coalescer, type Delivery } from './coalesce.js';

/** What a profile's "now playing" reaches: its encoders' taps, its outputs, its recordings. */
export interface NowPlayingTargets {
	profile: string;
	plan: EncodePlan;
	taps: ReadonlyMap<number, Tap>;
	outputs: readonly IcecastOutput[];
	recordings: readonly RecordingSink[];
	/** Paces the changes of each target (one profile's, kept from call to call). */
	gate: NowPlayingGate;
}

/**
 * A new link of an Ogg chain carries the headers again (about 4 KB for Vorbis, a second of a
 * 32 kbps stream): a link waits until the encoding has carried this many times that since the
 * last one, so that the headers make at most a quarter of what jdcast sends. Listeners of a
 * Vorbis mount get a little more than that share (Icecast packs Vorbis into larger pages, saving
 * the page headers jdcast counted): measured 1.5× the idle rate at most, not 2.
 */
export const AUDIO_PER_HEADER_BYTE = 3;
/**
 * The longest a link waits before its audio is counted again; an encoder that sent nothing for this
 * long (stopped, restarting) holds no link back: the link waits in the tap for free until it sends.
 */
const STALL_MS = 1000;

/**
 * At most one change per target every `intervalMs`: per Ogg encoding (each change is a new link
 * of its chain, headers and all; at low bitrates links are spaced further, see
 * AUDIO_PER_HEADER_BYTE), per output (an MP3 mount's change is a request to Icecast's admin API)
 * and per recording (a track in its lists). A burst costs one change at once and one at the end
 * of each interval, the latest value winning (see Coalescer).
 */
export class NowPlayingGate {
	/** One lane per target of one profile (a handful): kept until the profile stops. */
	private readonly lanes = new Map<object, Coalescer<Metadata, unknown>>();
	private closed = false;

	constructor(
		readonly intervalMs: number,
		private readonly clock: Clock = realClock,
	) {}

	/** Offers `metadata` to one target; `send` is how that target takes it. */
	offer<R>(target: object, send: (metadata: Metadata) => R | Promise<R>, metadata: Metadata): Promise<Delivery<R>> {
		if (this.closed) return Promise.resolve({ superseded: true });
		let lane = this.lanes.get(target) as Coalescer<Metadata, R> | undefined;
		if (!lane) {
			lane = new Coalescer(send, this.intervalMs, this.clock);
			this.lanes.set(target, lane as Coalescer<Metadata, unknown>);
		}
		return lane.offer(metadata);
	}

	/** The profile stopped: nothing waiting goes out (each says so), no timer is left. */
	close(): void {
		this.closed = true;
		for (const lane of this.lanes.values()) lane.close();
		this.lanes.clear();
	}

	/** Offers new tags to an Ogg encoding's tap: a new link of its chain, when its audio since the last one pays for it. */
	retag(tap: Tap, metadata: Metadata): Promise<Delivery<boolean>> {
		if (this.closed) return Promise.resolve({ superseded: true });
		let lane = this.lanes.get(tap) as Coalescer<Metadata, boolean> | undefined;
		if (!lane) {
			let bytesAtLink = tap.bytesIn;
			/** The tap's byte count when it last moved: an encoder that stopped sending holds no link back. */
			let moved = { bytes: tap.bytesIn, at: this.clock.monotonic() };
			const send = (m: Metadata) => {
				bytesAtLink = tap.bytesIn;
				return tap.setTags(m);
			};
			const hold = (sinceLastMs: number) => {
				const now = this.clock.monotonic();
				const stalled = tap.bytesIn === moved.bytes && now - moved.at >= STALL_MS;
				if (tap.bytesIn !== moved.bytes) moved = { bytes: tap.bytesIn, at: now };
				const carried = tap.bytesIn - bytesAtLink;
				const needed = AUDIO_PER_HEADER_BYTE * tap.headerPages.reduce((sum, page) => sum + page.length, 0);
				// The first link, or no audio since (an encoder between two runs: the link waits in the tap for the next
				// page and costs nothing until then): no reason to wait.
				if (!Number.isFinite(sinceLastMs) || carried <= 0 || carried >= needed || stalled) return 0;
				// At the rate the audio came since the last link; looked at again then (a stall is seen within a second).
				return Math.min(STALL_MS, Math.ceil(((needed - carried) * sinceLastMs) / carried));
			};
			lane = new Coalescer(send, this.intervalMs, this.clock, hold);
			this.lanes.set(tap, lane as Coalescer<Metadata, unknown>);
		}
		return lane.offer(metadata);
	}
}

/**
 * New "now playing" for a profile, or for one of its mounts: Ogg streams in band (a new link of
 * the chain, for every mount and recording of that encoding); MP3 and AAC mounts through Icecast's admin
 * API; recordings mark it in their track lists. Each target takes it through the gate: resolves
 * once each target has it, or has been given a newer value instead (`superseded`), one result each;
 * `told` hears of it unless a newer value replaced it everywhere before its turn (it never played).
 */
export async function sendNowPlaying(
	to: NowPlayingTargets,
	given: Metadata,
	mount: string | undefined,
	told: (event: { profile: string; nowPlaying: string; results: MetadataResult[] }) => void,
): Promise<MetadataResult[]> {
	const metadata = cleanMetadata(given);
	const results: Promise<MetadataResult>[] = [];
	for (const encoder of to.plan.encoders) {
		if (mount !== undefined && !encoder.streams.some((s) => s.mount === mount)) continue;
		const tap = to.taps.get(encoder.fd);
		const inBand = tap !== undefined && tagsInBand(tap.container);
		const link = inBand ? to.gate.retag(tap, metadata) : undefined;
		for (const output of to.outputs.filter((o) =>
			encoder.streams.some((s) => s.server === o.server.name && s.mount === o.mount),
		)) {
			const base = {
				profile: to.profile,
				server: output.server.name,
				mount: output.mount,
				via: inBand ? ('in-band' as const) : ('admin' as const),
			};
			// An Ogg output only remembers the line for its status: set once the link that carries it has gone out.
			const delivery = link
				? link.then(async (d) => {
						if (!d.superseded) await output.setMetadata(metadata);
						return d;
					})
				: to.gate.offer(output, (m) => output.setMetadata(m), metadata);
			results.push(
				delivery.then(
					(d) => ({ ...base, ok: true, error: null, superseded: d.superseded }),
					(error: Error) => ({ ...base, ok: false, error: error.message, superseded: false }),
				),
			);
		}
	}
	// Recordings mark the change in their track lists (the file itself stays one stream).
	if (mount === undefined)
		for (const recording of to.recordings) void to.gate.offer(recording, (m) => recording.setMetadata(m), metadata);
	const all = await Promise.all(results);
	if (all.length === 0 || all.some((r) => !r.superseded))
		told({ profile: to.profile, nowPlaying: songLine(metadata), results: all });
	return all;
}

/** A profile's gate, at its `now_playing.interval` (seconds). */
export function nowPlayingGate(profile: Pick<Profile, 'nowPlaying'>): NowPlayingGate {
	return new NowPlayingGate((profile.nowPlaying?.interval ?? DEFAULT_NOW_PLAYING_INTERVAL) * 1000);
}

/** A stream's own "now playing" from its profile's `info` (title, artist), if it says one. */
export function metadataOf(info: { title?: string; artist?: string }): Metadata | undefined {
	if (info.title === undefined && info.artist === undefined) return undefined;
	return cleanMetadata({
		...(info.title !== undefined ? { title: info.title } : {}),
		...(info.artist !== undefined ? { artist: info.artist } : {}),
	});
}
