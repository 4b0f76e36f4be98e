import type { Engine } from '../orchestrator/engine.js';
import type { ListenerSeries } from '../status/types.js';

const INTERVAL_S = 10;
const KEEP_S = 3600;

/** Listener counts per mount over the last hour, sampled every 10 s, in memory only. */
export class ListenerHistory {
	readonly intervalSeconds = INTERVAL_S;
	readonly #series = new Map<string, ListenerSeries>();
	readonly #timer: NodeJS.Timeout;

	constructor(private readonly orchestrator: Engine) {
		this.sample();
		this.#timer = setInterval(() => this.sample(), INTERVAL_S * 1000).unref();
	}

	sample(now = Date.now() / 1000): void {
		for (const [key, profile, output] of this.outputs()) {
			let series = this.#series.get(key);
			if (!series)
				this.#series.set(key, (series = { profile, server: output.server, mount: output.mount, points: [] }));
			series.points.push([Math.round(now), output.listeners]);
		}
		for (const [key, series] of this.#series) {
			while (series.points.length > 0 && series.points[0]![0] < now - KEEP_S) series.points.shift();
			if (series.points.length === 0) this.#series.delete(key);
		}
	}

	/** Every mount's hour, each ending with its count now (an output started since the last sample too). */
	get series(): ListenerSeries[] {
		const now = Math.round(Date.now() / 1000);
		const out = new Map([...this.#series].map(([key, s]) => [key, { ...s, points: [...s.points] }]));
		for (const [key, profile, output] of this.outputs()) {
			const series = out.get(key) ?? { profile, server: output.server, mount: output.mount, points: [] };
			if ((series.points.at(-1)?.[0] ?? 0) < now) series.points.push([now, output.listeners]);
			out.set(key, series);
		}
		return [...out.values()];
	}

	private outputs() {
		return this.orchestrator
			.status()
			.profiles.flatMap((p) => p.outputs.map((o) => [JSON.stringify([p.name, o.server, o.mount]), p.name, o] as const));
	}

	close(): void {
		clearInterval(this.#timer);
	}
}
