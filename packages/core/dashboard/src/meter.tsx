import type { AudioStatus } from '../../src/status/types.js';
import { db } from './format.js';
import { FLOOR_DB, segments } from './meter-scale.js';

const channelName = (i: number, n: number) => (n === 2 ? (i === 0 ? 'L' : 'R') : String(i + 1));

/**
 * The profile's level: a bar of segments per channel (lit to the RMS level, the peak's segment
 * bright), each segment coloured by the level it stands for. For assistive technology (and tests)
 * one meter named "PROFILE level", its value the loudest channel's peak.
 */
export function LevelMeter({ profile, audio }: { profile: string; audio: AudioStatus | null }) {
	const peaks = audio?.peakDb ?? [];
	const loudest = peaks.reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.max(a, b)), null);
	const text = audio
		? peaks.map((p, i) => `${channelName(i, peaks.length)} ${db(p, 'dBFS')} peak`).join(', ')
		: 'not measured yet';
	return (
		<div
			class="meter"
			role="meter"
			aria-label={`${profile} level`}
			aria-valuemin={FLOOR_DB}
			aria-valuemax={0}
			aria-valuenow={Math.max(FLOOR_DB, loudest ?? FLOOR_DB)}
			aria-valuetext={text}
		>
			{peaks.map((peak, i) => (
				<div class="channel" key={i} aria-hidden="true">
					<span class="channel-name">{channelName(i, peaks.length)}</span>
					<div class="bar">
						{segments(audio?.rmsDb[i] ?? null, peak).map((s) => (
							<span key={s.from} class={`seg ${s.zone}${s.lit ? ' lit' : ''}${s.peak ? ' peak' : ''}`} />
						))}
					</div>
					<span class="value">{db(peak, '')}</span>
				</div>
			))}
		</div>
	);
}
