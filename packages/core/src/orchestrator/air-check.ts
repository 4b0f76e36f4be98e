import { EventEmitter } from 'eventemitter3';
import { Tap } from '../fanout/tap.js';
import { formatSpec } from '../formats/index.js';
import { listenToMount } from '../icecast/listen.js';
import { RecordingSink } from '../outputs/recording.js';
import type { Encoding, MountRecordingSpec, RecordingSpec, ServerConfig } from '../profile/types.js';
import type { RecordingState, RecordingStatus } from '../status/types.js';

/**
 * Where an air check's audio comes from now: an encoder of this jdcast (the holder's, or the
 * fallback's while nobody holds the mount), or the server itself, as a listener hears it (a
 * source outside this jdcast, or a fallback nobody here feeds). `label` is what `{slot}` says.
 */
export type AirFeed = { tap: Tap; label: string } | { listen: true; label: string } | { idle: true };

export interface AirCheckEvents {
	recording: [{ path: string; state: RecordingState; error: string | null; seconds: number; partBytes: number }];
	log: [level: 'info' | 'warning', message: string];
}

/**
 * `servers.NAME.mounts.MOUNT.record`: what listeners of one mount heard, whoever fed it, in the
 * mount's own encoding (no second encode). The MountBroker says where the audio comes from at each
 * change of source (`follow`); each change begins a new file named for the new source, each file
 * whole, nothing lost or doubled between them (they meet at a unit boundary).
 */
export class AirCheck extends EventEmitter<AirCheckEvents> {
	private sink: RecordingSink | undefined;
	private listening: { abort: AbortController; label: string; tap: Tap | undefined } | undefined;
	private readonly spec: RecordingSpec;
	private readonly baseDir: string;
	private stopped = false;
	/** A feed that never has anything: followed while nobody feeds the mount. */
	private readonly nothing: Tap;

	constructor(
		readonly server: ServerConfig,
		readonly mount: string,
		spec: MountRecordingSpec,
		encoding: Encoding,
	) {
		super();
		this.spec = { ...encoding, path: spec.path, split: spec.split, keep: spec.keep, at: spec.at };
		this.nothing = new Tap(formatSpec(encoding.format).container);
		this.baseDir = spec.baseDir;
	}

	/** The mount's source changed (or was first known): the recording follows it. */
	follow(feed: AirFeed): void {
		if (this.stopped) return;
		if ('idle' in feed) {
			// Nobody feeds the mount nor its fallback: listeners hear nothing, and the file of the last holder ends.
			this.stopListening();
			this.sink?.follow(this.nothing, null);
			return;
		}
		if ('tap' in feed) {
			this.stopListening();
			this.record(feed.tap, feed.label);
			return;
		}
		if (this.listening) {
			// Still listening: Icecast has already moved this listener where the others went; the name follows.
			this.listening.label = feed.label;
			if (this.listening.tap) this.record(this.listening.tap, feed.label);
			return;
		}
		this.listen(feed.label);
	}

	status(): RecordingStatus | undefined {
		return this.sink?.status();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.stopListening();
		await this.sink?.stop();
	}

	private record(tap: Tap, label: string): void {
		if (this.sink) {
			this.sink.follow(tap, label);
			return;
		}
		const name = `${this.mount.replace(/^\//, '')} air check`;
		const sink = new RecordingSink(this.spec, { name, baseDir: this.baseDir }, tap, {}, label);
		this.sink = sink;
		const event = (state: RecordingState, error: string | null) => {
			const { path, seconds, partBytes } = sink.status();
			this.emit('recording', { path, state, error, seconds, partBytes });
		};
		sink.on('state', event);
		sink.on('part', (file, reason) => {
			this.emit('log', 'info', `air check of ${this.mount} continues in ${file} (${reason})`);
			event(sink.state, null);
		});
		sink.on('removed', (files) => this.emit('log', 'info', `old air-check files removed (keep): ${files.join(', ')}`));
		sink.on('gap', (message) => this.emit('log', 'warning', message));
		sink.on('note', (message) => this.emit('log', 'warning', message));
		void sink.start();
	}

	/** Records the mount as a listener hears it; every new connection is a new stream, so a new file. */
	private listen(label: string): void {
		// The holder before has left: its file ends now, not when the server first answers (it may not).
		this.sink?.follow(this.nothing, label);
		const abort = new AbortController();
		const listening: { abort: AbortController; label: string; tap: Tap | undefined } = {
			abort,
			label,
			tap: undefined,
		};
		this.listening = listening;
		const container = formatSpec(this.spec.format).container;
		void listenToMount(
			this.server,
			this.mount,
			{
				// A connection of a listening that has ended since (the mount came back to a profile here) is not followed.
				connected: () => {
					if (this.listening !== listening) return;
					listening.tap = new Tap(container);
					this.record(listening.tap, listening.label);
				},
				take: (chunk) => {
					if (this.listening === listening) listening.tap?.push(chunk);
				},
				failed: (message) => this.emit('log', 'warning', message),
			},
			abort.signal,
		);
	}

	private stopListening(): void {
		this.listening?.abort.abort();
		this.listening = undefined;
	}
}
