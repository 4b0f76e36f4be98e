import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { ListenerSeries } from '../../src/status/types.js';
import { stationTime } from './format.js';

const hhmm = (seconds: number) => stationTime(new Date(seconds * 1000).toISOString(), seconds * 1000);

/** Listeners on one mount over the last hour (jdcast keeps the hour in memory). */
export function ListenersGraph({ series }: { series: ListenerSeries | undefined }) {
	const box = useRef<HTMLDivElement>(null);
	const plot = useRef<uPlot | null>(null);
	const data = (): uPlot.AlignedData => [series?.points.map((p) => p[0]) ?? [], series?.points.map((p) => p[1]) ?? []];
	useEffect(() => {
		if (!box.current) return;
		plot.current = new uPlot(
			{
				width: Math.max(200, box.current.clientWidth),
				height: 90,
				legend: { show: false },
				cursor: { show: false },
				scales: {
					x: { time: true, range: () => [Date.now() / 1000 - 3600, Date.now() / 1000] },
					y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.2))] },
				},
				axes: [
					// 24-hour times, as the station strip writes them (and four of them fit a narrow graph).
					{ stroke: '#8a93a3', grid: { stroke: '#2a3140' }, size: 24, values: (_u, ticks) => ticks.map(hhmm) },
					{
						stroke: '#8a93a3',
						grid: { stroke: '#2a3140' },
						size: 32,
						incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000],
					},
				],
				series: [
					{},
					{
						label: 'listeners',
						stroke: '#5fb3ff',
						fill: 'rgba(95,179,255,0.15)',
						width: 1.5,
						paths: uPlot.paths.stepped?.({ align: 1 }),
					},
				],
			},
			data(),
			box.current,
		);
		return () => plot.current?.destroy();
	}, []);
	useEffect(() => {
		plot.current?.setData(data());
	}, [series]);
	return (
		<div
			class="graph"
			ref={box}
			role="img"
			aria-label={`listeners over the last hour: now ${series?.points.at(-1)?.[1] ?? 'unknown'}`}
		/>
	);
}
