import type { HarborStatus } from '../../src/status/types.js';
import { stationTime } from './format.js';

/**
 * A harbor profile's DJ: who is connected, from where, with what software and codec, since when
 * on air; between DJs, who left last and why. Refused connections are counted, the last one said.
 */
export function HarborLine({ harbor, now }: { harbor: HarborStatus; now: number }) {
	const { dj, lastDj, lastRefusal } = harbor;
	return (
		<p class="harbor">
			harbor :{harbor.port}
			{harbor.mount}:{' '}
			{dj ? (
				<span class={dj.onAirSince ? 'dj on-air' : 'dj'}>
					<strong>{dj.user}</strong> {dj.onAirSince ? `on air since ${stationTime(dj.onAirSince, now)}` : 'connected'}{' '}
					from {dj.address}
					{dj.userAgent ? ` (${dj.userAgent})` : ''}
					{dj.codec ? `, ${dj.codec}` : ''}
				</span>
			) : (
				<span class="warn">
					no DJ
					{lastDj ? ` — ${lastDj.user} left ${stationTime(lastDj.leftAt, now)} (${lastDj.reason})` : ''}
				</span>
			)}
			{harbor.refused > 0 && lastRefusal && (
				<span class="refused" title={`last: ${lastRefusal.address}, ${lastRefusal.status} ${lastRefusal.reason}`}>
					{' '}
					· {harbor.refused} refused
				</span>
			)}
		</p>
	);
}
