import type { StatusSnapshot } from '../../src/status/types.js';
import { plural, stationTime } from './format.js';
import { holderText, nextSlotText, sinceText, sourceName, stationRows } from './station.js';

/**
 * Above the profile cards, a row per public (shared) mount: who really feeds it (which may not be
 * the schedule's slot), since when, its listeners, and the schedule's next slot. Nothing when no
 * mount is shared.
 */
export function StationStrip({ status, now }: { status: StatusSnapshot; now: number }) {
	const rows = stationRows(status);
	if (rows.length === 0) return null;
	const next = nextSlotText(status.schedule, now);
	const slot = status.schedule?.slot ?? null;
	return (
		<ul class="station" aria-label="Station">
			{rows.map((row) => {
				const since = sinceText(row.sourceSince, now);
				const listeners =
					row.source === null
						? row.fallbackListeners === null
							? null
							: `${plural(row.fallbackListeners, 'listener')} there`
						: row.listeners === null
							? null
							: plural(row.listeners, 'listener');
				return (
					<li
						key={row.mount}
						class={`source-${row.source === null ? 'nobody' : row.source === 'external' ? 'external' : 'profile'}`}
					>
						<strong class="mount">{row.mount}</strong>
						<span class="holder">{holderText(row)}</span>
						{since && <span>{since}</span>}
						{row.tookOver && (
							<span class="warn">
								took over {stationTime(row.tookOver.at, now)} from {row.tookOver.from ?? 'a silent source'} (
								{row.tookOver.silentSeconds.toFixed(1)} s without audio)
							</span>
						)}
						{listeners && <span>{listeners}</span>}
						{row.elsewhere.map((s) => (
							<span key={s.server} class="warn">
								on {s.server}: {sourceName(s.source)}
							</span>
						))}
						{slot !== null && slot !== row.source && <span class="slot">{slot}'s slot</span>}
						{next && <span class="next">{next}</span>}
					</li>
				);
			})}
		</ul>
	);
}
