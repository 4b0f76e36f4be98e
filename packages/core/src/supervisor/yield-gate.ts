/** What the gate decides at a step of audio: let the mounts go, take them back, or nothing. */
export type YieldDecision = 'release' | 'take-back' | undefined;

export interface YieldGateSettings {
	/** Silence on air for this long releases the mounts (the profile's `silence.after`). */
	afterMs: number;
	/** Sound must hold this long before released mounts are taken back (`silence.take_back`). */
	holdMs: number;
	/**
	 * Just after taking a mount (handed over, taken back, a slot), silence for this long releases it
	 * again at once: a DJ whose input flaps, or who is silent when a mount comes to them, never
	 * keeps listeners in dead air for `after` seconds.
	 */
	probationSilenceMs: number;
}

/**
 * `silence.action: yield` as a state machine on audio time (the meter's 100 ms steps, so a test
 * needs no clock): `idle` (not on air, nothing released), `probation` (on air for less than
 * `holdMs`), `on-air`, `yielded` (released for dead air, waiting for sound that holds).
 */
export class YieldGate {
	state: 'idle' | 'probation' | 'on-air' | 'yielded' = 'idle';
	private quietMs = 0;
	private soundMs = 0;
	private probationLeftMs = 0;

	constructor(private readonly settings: YieldGateSettings) {}

	/**
	 * A shared mount went on air. When it came to the profile later (handed over, a slot, taken back)
	 * sound must prove itself for `holdMs`; at the profile's own start the usual `after` applies (a
	 * mixer connected a moment after the start is no dead air).
	 */
	onAir(probation = true): void {
		if (this.state === 'probation' || this.state === 'on-air') return;
		this.state = probation ? 'probation' : 'on-air';
		this.probationLeftMs = this.settings.holdMs;
		this.quietMs = 0;
	}

	/** Every shared mount left the air by other means (handed over, stopped): nothing to watch. */
	offAir(): void {
		if (this.state !== 'yielded') this.state = 'idle';
	}

	/** One step of audio: `quiet` when every channel is below the threshold. */
	step(quiet: boolean, ms: number): YieldDecision {
		switch (this.state) {
			case 'idle':
				return undefined;
			case 'yielded':
				this.soundMs = quiet ? 0 : this.soundMs + ms;
				if (this.soundMs + 1e-6 < this.settings.holdMs) return undefined;
				this.onAir();
				return 'take-back';
			case 'probation': {
				this.quietMs = quiet ? this.quietMs + ms : 0;
				if (this.quietMs + 1e-6 >= this.settings.probationSilenceMs) return this.release();
				this.probationLeftMs -= ms;
				if (this.probationLeftMs <= 0) this.state = 'on-air';
				return undefined;
			}
			case 'on-air':
				this.quietMs = quiet ? this.quietMs + ms : 0;
				return this.quietMs + 1e-6 >= this.settings.afterMs ? this.release() : undefined;
		}
	}

	private release(): YieldDecision {
		this.state = 'yielded';
		this.soundMs = 0;
		this.quietMs = 0;
		return 'release';
	}
}
