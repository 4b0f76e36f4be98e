/**
 * What goes to air, measured on what every encoder of the profile receives, at most 0.5 s old.
 * Levels in dB rounded to 0.1; null where nothing was measured yet or the signal is digital
 * silence (-∞).
 */
export interface AudioStatus {
	/** Per channel, sample peak over the last 400 ms, dBFS. */
	peakDb: (number | null)[];
	/** Per channel, RMS over the last 400 ms, dBFS. */
	rmsDb: (number | null)[];
	/** EBU R128: momentary (400 ms), short-term (3 s), integrated (since the start, gated) loudness, LUFS. */
	momentaryLufs: number | null;
	shortTermLufs: number | null;
	integratedLufs: number | null;
	/** Highest true peak since the start, dBTP. */
	truePeakDb: number | null;
	/** Dead air: every channel below `silence.threshold` for `silence.after` seconds. */
	silent: boolean;
	/** ISO time the audio went quiet, while silent. */
	silentSince: string | null;
	/** Samples at full scale since the start. */
	clips: number;
	/**
	 * With loudness control (`processing:`), the input before it, so that the correction shows: what
	 * comes in beside what goes to air (everything above). Absent without processing.
	 */
	input?: InputLevel;
}

/** The input's level before loudness control. */
export interface InputLevel {
	/** Per channel, sample peak over the last 400 ms, dBFS. */
	peakDb: (number | null)[];
	/** EBU R128 momentary loudness (400 ms), LUFS. */
	momentaryLufs: number | null;
	/** EBU R128 short-term loudness (3 s), LUFS: what the correction is judged by. */
	shortTermLufs: number | null;
}
