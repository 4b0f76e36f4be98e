import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { Profile, SilenceConfig } from '../profile/types.js';
import type { AudioWatch } from '../signal/audio-watch.js';
import type { MountChangeReason } from '../status/types.js';
import { YieldGate } from './yield-gate.js';

/** Silence this long just after taking a mount gives it up again at once. */
const PROBATION_SILENCE_MS = 1000;

/**
 * What a profile asks of whoever knows who holds each mount (the MountBroker): to cover a mount it
 * gives up from the fallback's profile, to hand it back from such a cover, and to be told why the
 * next change of its mounts happens.
 */
export interface SharedMounts {
	coverFrom(owner: string, output: IcecastOutput, log: (profile: string, message: string) => void): boolean;
	takeFromCover(output: IcecastOutput): void;
	intend(reason: MountChangeReason, profiles?: readonly string[]): void;
}

/**
 * `silence.action: yield` for one profile: its YieldGate decides on the meter's steps; this does
 * what it decides to the profile's shared outputs (released to the fallback, or covered from
 * inside the process) and takes back only what it released.
 */
export class DeadAirYield {
	private readonly gate: YieldGate;
	/**
	 * Releasing or taking back several mounts one by one: the states they pass through meanwhile (one
	 * released, another still live) are this class's own doing, not a mount coming to the DJ.
	 */
	private acting = false;
	private readonly takeBackSeconds: number;

	constructor(
		private readonly name: string,
		config: SilenceConfig,
		private readonly outputs: () => readonly IcecastOutput[],
		private readonly mounts: SharedMounts | undefined,
		private readonly log: (level: 'info' | 'warning', message: string) => void,
	) {
		this.takeBackSeconds = config.takeBack;
		this.gate = new YieldGate({
			afterMs: config.after * 1000,
			holdMs: config.takeBack * 1000,
			probationSilenceMs: Math.min(PROBATION_SILENCE_MS, config.after * 1000),
		});
	}

	/** One step of audio from the meter. */
	step(quiet: boolean, ms: number): void {
		const decision = this.gate.step(quiet, ms);
		if (decision === 'release') this.release();
		if (decision === 'take-back') this.takeBack();
	}

	/** A shared output changed state: the gate watches while any is on air (not while this releases or takes back itself). */
	outputChanged(): void {
		if (this.acting) return;
		const own = this.outputs().filter((o) => o.shared && !o.covering);
		const onAir = own.filter((o) => o.onAir);
		if (onAir.length > 0) this.gate.onAir(onAir.some((o) => o.cameLater));
		else this.gate.offAir();
	}

	private release(): void {
		const onAir = this.outputs().filter((o) => o.shared && !o.covering && o.onAir);
		if (onAir.length === 0) return;
		this.mounts?.intend('yield', [this.name]);
		this.acting = true;
		for (const output of onAir) {
			// Covered from inside this process if another profile feeds its fallback (keep): the cover took its
			// connection. Else its connection is closed here, and Icecast moves the listeners.
			this.mounts?.coverFrom(this.name, output, (profile, message) => this.log('info', `${profile}: ${message}`));
			output.release();
		}
		this.acting = false;
		this.log(
			'warning',
			`silent: released ${onAir.map((o) => o.mount).join(', ')} to the fallback until sound has held for ${this.takeBackSeconds} s`,
		);
	}

	private takeBack(): void {
		// Only what dead air released: one handed over or held back since is not this gate's.
		const released = this.outputs().filter((o) => o.parkedFor === 'yield');
		if (released.length === 0) return;
		this.mounts?.intend('yield', [this.name]);
		this.acting = true;
		for (const output of released) output.resume();
		this.acting = false;
		this.log('info', `sound is back: taking ${released.map((o) => o.mount).join(', ')} again`);
	}
}

/** A profile's `silence.action: yield`, stepped by its audio meter; undefined when it does not yield. */
export function deadAirOf(
	profile: Profile,
	audio: AudioWatch,
	outputs: () => readonly IcecastOutput[],
	mounts: SharedMounts | undefined,
	log: (level: 'info' | 'warning', message: string) => void,
): DeadAirYield | undefined {
	if (!profile.silence || profile.silence.action !== 'yield') return undefined;
	const deadAir = new DeadAirYield(profile.name, profile.silence, outputs, mounts, log);
	audio.on('step', (quiet, ms) => deadAir.step(quiet, ms));
	return deadAir;
}
