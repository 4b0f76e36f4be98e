import type { AudioStatus } from '../../src/status/types.js';
import { db } from './format.js';

const FLOOR_DB = -60;
const share = (value: number | null) => (value === null ? 0 : Math.max(0, Math.min(1, (value - FLOOR_DB) / -FLOOR_DB)));
const channelName = (i: number, n: number) => (n === 2 ? (i === 0 ? 'L' : 'R') : String(i + 1));

/**
 * The profile's level: a bar per channel (RMS filled, peak as a line). For assistive technology
 * (and tests) one meter named "PROFILE level", its value the loudest channel's peak.
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
			{peaks.map((peak, i) => {
				const rms = audio?.rmsDb[i] ?? null;
				return (
					<div class="channel" key={i} aria-hidden="true">
						<span class="channel-name">{channelName(i, peaks.length)}</span>
						<div class="bar">
							<div class={`rms ${peak !== null && peak > -1 ? 'hot' : ''}`} style={{ width: `${share(rms) * 100}%` }} />
							<div class="peak" style={{ left: `${share(peak) * 100}%` }} />
						</div>
						<span class="value">{db(peak, '')}</span>
					</div>
				);
			})}
		</div>
	);
}
