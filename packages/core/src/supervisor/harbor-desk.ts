import { PcmPump } from '../harbor/pump.js';
import { type HarborRefusal, HarborServer } from '../harbor/server.js';
import type { HarborSource } from '../harbor/source.js';
import { type Metadata, songLine } from '../metadata/types.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { Secret } from '../profile/secret.js';
import type { HarborInput, Profile } from '../profile/types.js';
import type { AudioWatch } from '../signal/audio-watch.js';
import type { HarborEvent, HarborStatus } from '../status/types.js';
import { type Clock, realClock } from '../util/clock.js';
import { withoutControlCharacters } from '../util/text.js';
import type { SharedMounts } from './dead-air-yield.js';
import { HarborSession } from './harbor-session.js';

const CHECK_MS = 250;
/** Refusals are all counted, but said (logged, an event) at most this often. */
const REFUSALS_SAID_EVERY_MS = 1000;

export interface HarborWiring {
	profile: Profile;
	input: HarborInput;
	ffmpeg: string;
	audio: AudioWatch;
	outputs: () => readonly IcecastOutput[];
	mounts: SharedMounts | undefined;
	event: (event: Omit<HarborEvent, 'profile'>) => void;
	log: (level: 'info' | 'warning' | 'error', message: string) => void;
	/** The DJ's own title (BUTT's, Mixxx's "now playing"). */
	nowPlaying: (metadata: Metadata) => void;
	/** A DJ's set begins on air (their recordings start), or ends. */
	setBegins: (user: string) => void;
	setEnds: () => void;
	clock?: Clock;
}

/**
 * A harbor profile's desk: its listening side, the DJ connected now, and what that means for the
 * profile's shared mounts: taken when the DJ's audio goes out, given back to the fallback (or a
 * cover inside this jdcast) once they leave, stall or send nothing that decodes.
 */
export class HarborDesk {
	readonly pump: PcmPump;
	#server: HarborServer | undefined;
	#session: HarborSession | undefined;
	#lastDj: HarborStatus['lastDj'] = null;
	#refused = 0;
	#lastRefusal: HarborStatus['lastRefusal'] = null;
	#timer: NodeJS.Timeout | undefined;
	#lastTitle = '';
	/** When a refusal was last said, and how many have not been since. */
	#lastSaid = Number.NEGATIVE_INFINITY;
	#unsaid = 0;
	readonly #clock: Clock;

	constructor(private readonly w: HarborWiring) {
		this.#clock = w.clock ?? realClock;
		this.pump = new PcmPump(48000, w.input.channels, this.#clock);
		// Once a session: audio that ran dry and came back is the same DJ on air (a gap, counted).
		this.pump.on('playing', () => {
			if (this.#session && !this.#session.onAirSince) this.#onAir();
		});
		this.pump.on('dry', () => {
			if (this.#session) this.#session.gaps++;
		});
		this.pump.on('drained', () => {
			if (!this.#session?.onAirSince) this.#offAir();
		});
		w.audio.pauseDeadAir(true);
	}

	/**
	 * Its shared outputs stand by until a DJ is heard: between DJs the fallback has the listeners. A
	 * kept mount (`keep: true`) connects all the same, so that the autodj of this jdcast covers it on
	 * that connection (outputChanged) and its listeners are never moved.
	 */
	holdOutputs(): void {
		for (const output of this.#shared())
			if (output.state !== 'failed' && !output.server.mounts[output.mount]?.keep) output.release('harbor');
	}

	/** A shared output of the profile went on air: with no DJ heard, it is given to the fallback at once. */
	outputChanged(output: IcecastOutput): void {
		if (!output.onAir || output.covering || this.pump.playing) return;
		this.#release([output]);
	}

	/** Listens for DJs; rejects with a HarborError (port taken) that fails the profile. */
	async start(users: ReadonlyMap<string, Secret>): Promise<void> {
		const { input } = this.w;
		const server = new HarborServer({
			host: input.host,
			port: input.port,
			mount: input.mount,
			users,
			takeover: input.takeover,
			maxKbps: input.maxKbps,
			admit: () => this.#notOurTurn(),
			clock: this.#clock,
		});
		server.on('source', (source) => this.#connected(source));
		server.on('refused', (refusal) => this.#refusedOne(refusal));
		server.on('metadata', ({ user, song }) => {
			const dash = song.indexOf(' - ');
			this.#title(user, dash > 0 ? { artist: song.slice(0, dash), title: song.slice(dash + 3) } : { title: song });
		});
		await server.listen();
		this.#server = server;
		this.#timer = this.#clock.setInterval(() => this.#check(), CHECK_MS);
		this.w.log('info', `harbor: listening on ${input.host}:${input.port}, mount ${input.mount}`);
	}

	async stop(): Promise<void> {
		this.#clock.clearInterval(this.#timer);
		await this.#server?.close();
		await this.#session?.close();
		this.pump.stop();
	}

	status(): HarborStatus {
		const { input } = this.w;
		return {
			host: input.host,
			port: input.port,
			mount: input.mount,
			dj: this.#session?.status() ?? null,
			lastDj: this.#lastDj,
			refused: this.#refused,
			lastRefusal: this.#lastRefusal,
		};
	}

	#connected(source: HarborSource): void {
		const session = new HarborSession(
			source,
			this.w.input,
			this.w.profile,
			this.w.ffmpeg,
			this.pump,
			this.#clock.monotonic(),
			{
				problem: (message) => this.w.log('warning', `harbor: ${message}`),
				decoderExit: (how, reason) => {
					if (source.endedFor !== null) return;
					source.end(
						how === 'ended'
							? 'their stream ended'
							: how === 'killed'
								? reason
								: `their stream cannot be decoded: ${reason}`,
					);
				},
				title: (tags) => {
					if (this.#session === session) this.#title(source.info.user, tags);
				},
			},
		);
		// A DJ taking over replaces the one before at once: their mounts stay on air through it.
		this.#session = session;
		this.#lastTitle = '';
		this.pump.begin();
		const { user, address, userAgent } = source.info;
		this.w.log('info', `harbor: ${user} connected from ${address}${userAgent ? ` (${userAgent})` : ''}`);
		this.w.event({ kind: 'connected', dj: session.status(), reason: null });
		source.onEnd((reason) => void this.#left(session, reason));
	}

	#onAir(): void {
		const session = this.#session;
		if (!session) return;
		session.onAirSince = new Date(this.#clock.wall());
		this.w.audio.pauseDeadAir(false);
		const parked = this.#shared().filter((o) => o.parkedFor === 'harbor' || o.parkedFor === 'yield');
		if (parked.length > 0) {
			this.w.mounts?.intend('harbor', [this.w.profile.name]);
			for (const output of parked) output.resume();
		}
		const { user, address } = session.source.info;
		const codec = session.codec ? `: ${session.codec}` : '';
		this.w.log('info', `harbor: ${user} (${address}) is on air${codec}`);
		this.w.event({ kind: 'on-air', dj: session.status(), reason: null });
		this.w.setBegins(user);
	}

	async #left(session: HarborSession, reason: string): Promise<void> {
		const { user, address } = session.source.info;
		const dj = session.status();
		this.#lastDj = { user, address, leftAt: new Date(this.#clock.wall()).toISOString(), reason };
		this.w.log(reason === 'disconnected' ? 'info' : 'warning', `harbor: ${user} (${address}) left: ${reason}`);
		this.w.event({ kind: 'left', dj, reason });
		// Taken over: the new DJ's audio follows on the same mounts.
		if (this.#session === session) {
			this.#session = undefined;
			this.pump.end();
		}
		await session.close();
	}

	/** The DJ left and their last audio went out: the mounts go back to the fallback. */
	#offAir(): void {
		this.w.audio.pauseDeadAir(true);
		this.#release(this.#shared().filter((o) => o.onAir));
		this.w.setEnds();
	}

	/** Mounts to the fallback: covered from inside this jdcast where kept, else closed (Icecast moves the listeners). */
	#release(outputs: IcecastOutput[]): void {
		if (outputs.length === 0) return;
		this.w.mounts?.intend('harbor', [this.w.profile.name]);
		for (const output of outputs) {
			this.w.mounts?.coverFrom(this.w.profile.name, output, (profile, message) =>
				this.w.log('info', `${profile}: ${message}`),
			);
			output.release('harbor');
		}
	}

	/** The DJ's title, once: libshout sends each one twice, and BUTT may repeat it. */
	#title(user: string, tags: Metadata): void {
		const line = withoutControlCharacters(songLine(tags)).slice(0, 200);
		if (line === this.#lastTitle) return;
		this.#lastTitle = line;
		this.w.log('info', `harbor: ${user}'s title: ${line}`);
		this.w.nowPlaying(tags);
	}

	#check(): void {
		const session = this.#session;
		const problem = session?.problem(this.#clock.monotonic());
		if (session && problem) session.source.end(problem);
	}

	#refusedOne(given: HarborRefusal): void {
		// What a client sent is in a refusal's words: no control characters, and not at length.
		const clean = (text: string) => withoutControlCharacters(text).slice(0, 120);
		const refusal = { ...given, reason: clean(given.reason), user: given.user === null ? null : clean(given.user) };
		this.#refused++;
		this.#lastRefusal = { ...refusal, at: new Date(this.#clock.wall()).toISOString() };
		// Each refusal is counted; one a second is said (a flood must not flood the log too).
		const now = this.#clock.monotonic();
		if (now - this.#lastSaid < REFUSALS_SAID_EVERY_MS) {
			this.#unsaid++;
			return;
		}
		const more = this.#unsaid > 0 ? ` (and ${this.#unsaid} more refused since the last one said)` : '';
		this.#unsaid = 0;
		this.#lastSaid = now;
		this.w.log(
			'warning',
			`harbor: refused ${refusal.address}${refusal.user ? ` (user ${refusal.user})` : ''}: ${refusal.status} ${refusal.reason}${more}`,
		);
		this.w.event({
			kind: 'refused',
			dj: null,
			reason: `${refusal.reason}${more}`,
			address: refusal.address,
			status: refusal.status,
		});
	}

	/**
	 * A DJ would not be heard while the profile's mounts are another's by the engine's doing (held back
	 * before its schedule slot, handed to another profile): refused then, rather than said to be on air.
	 */
	#notOurTurn(): string | undefined {
		const shared = this.#shared();
		const elsewhere = shared.filter((o) => o.parkedFor === 'hold' || o.parkedFor === 'handover');
		if (shared.length === 0 || elsewhere.length < shared.length) return undefined;
		return elsewhere.every((o) => o.parkedFor === 'hold')
			? 'not on air now: this harbor waits for its schedule slot'
			: 'not on air now: its mounts were handed to another profile';
	}

	#shared(): IcecastOutput[] {
		return this.w.outputs().filter((o) => o.shared && !o.covering);
	}
}
