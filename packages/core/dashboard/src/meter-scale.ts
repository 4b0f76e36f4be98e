/** The meter's scale: 40 segments of 1.5 dB from −60 dBFS to full scale, so that −18 and −9 fall on edges. */
export const FLOOR_DB = -60;
export const STEP_DB = 1.5;
const COUNT = -FLOOR_DB / STEP_DB;

/**
 * A segment's colour by the level it stands for, as broadcast meters have it: green below −18
 * dBFS (the operating level and under), yellow from −18 to −9 (loud), red above −9 (near
 * clipping). The colour belongs to the segment, not to how far the bar reaches.
 */
export type Zone = 'green' | 'yellow' | 'red';
export const zoneOf = (db: number): Zone => (db < -18 ? 'green' : db < -9 ? 'yellow' : 'red');

export interface Segment {
	/** The level where the segment begins, dBFS; it spans STEP_DB from there. */
	from: number;
	zone: Zone;
	/** Reached by the RMS level. */
	lit: boolean;
	/** Holds the peak level (the one segment a peak lights beyond the RMS bar). */
	peak: boolean;
}

/** One channel's bar: every segment, lit up to its RMS level, the peak's own segment marked. */
export function segments(rmsDb: number | null, peakDb: number | null): Segment[] {
	const peakAt =
		peakDb === null || peakDb < FLOOR_DB ? -1 : Math.min(COUNT - 1, Math.floor((peakDb - FLOOR_DB) / STEP_DB));
	return Array.from({ length: COUNT }, (_, i) => {
		const from = FLOOR_DB + i * STEP_DB;
		return { from, zone: zoneOf(from), lit: rmsDb !== null && rmsDb > from, peak: i === peakAt };
	});
}
