export interface SilenceSettings {
	/** dBFS: every channel's 400 ms RMS below this counts as silent. */
	threshold: number;
	/** Seconds of silence before it is reported. */
	after: number;
}

export type SilenceChange =
	| { state: 'started'; since: Date; seconds: number }
	| { state: 'ended'; since: Date; seconds: number };

/** Sound must hold this long before dead air counts as over: one loud click is not a return. */
const SOUND_RETURNS_AFTER = 1;

/**
 * Dead air, judged on the meter's 100 ms steps of audio (not on the wall clock: a stalled encoder
 * is another alarm, not silence). Silence starts when every channel has been below the threshold
 * for `after` seconds and ends once sound has held for a second; `since` is when it went quiet.
 */
export class SilenceDetector {
	silentSince: Date | null = null;
	private quietFor = 0;
	private quietFrom: Date | null = null;
	private soundFor = 0;

	constructor(private readonly settings: SilenceSettings) {}

	get silent(): boolean {
		return this.silentSince !== null;
	}

	/** One step of `seconds` of audio ending `now`; returns what changed, if anything. */
	observe(rmsDb: readonly number[], seconds: number, now: Date): SilenceChange | undefined {
		const quiet = rmsDb.every((level) => !(level >= this.settings.threshold));
		if (!this.silentSince) {
			if (!quiet) {
				this.quietFor = 0;
				this.quietFrom = null;
				return undefined;
			}
			this.quietFrom ??= new Date(now.getTime() - seconds * 1000);
			this.quietFor += seconds;
			if (this.quietFor + 1e-9 < this.settings.after) return undefined;
			this.silentSince = this.quietFrom;
			this.soundFor = 0;
			return { state: 'started', since: this.silentSince, seconds: round(this.quietFor) };
		}
		if (quiet) {
			this.soundFor = 0;
			return undefined;
		}
		this.soundFor += seconds;
		if (this.soundFor + 1e-9 < SOUND_RETURNS_AFTER) return undefined;
		const since = this.silentSince;
		const back = now.getTime() - this.soundFor * 1000;
		this.silentSince = null;
		this.quietFor = 0;
		this.quietFrom = null;
		return { state: 'ended', since, seconds: round((back - since.getTime()) / 1000) };
	}
}

function round(seconds: number): number {
	return Math.round(seconds * 10) / 10;
}
