import { targetKey } from '../profile/cross-check.js';
import type { Profile, StreamSpec } from '../profile/types.js';
import { AirCheck, type AirCheckEvents } from './air-check.js';

/**
 * The air checks a set of profiles asks for, one per mount of a server (the same `record:` said in
 * every profile of a station is one recording), each made only when wanted: keyed by everything
 * that defines it, so that a reload that changes nothing leaves the recording running. Its
 * encoding is the mount's, from a profile that streams it (validate makes sure one does).
 */
export function airChecksOf(profiles: readonly Profile[]): Map<string, () => AirCheck> {
	const wanted = new Map<string, () => AirCheck>();
	const seen = new Set<string>();
	for (const profile of profiles)
		for (const server of Object.values(profile.servers))
			for (const [mount, settings] of Object.entries(server.mounts)) {
				const spec = settings.record;
				const key = targetKey(server, mount);
				if (!spec || seen.has(key)) continue;
				const stream = streamOf(profiles, key);
				if (!stream) continue;
				seen.add(key);
				const encoding = {
					format: stream.format,
					bitrate: stream.bitrate,
					channels: stream.channels,
					samplerate: stream.samplerate,
				};
				const { at: _at, ...defining } = spec;
				wanted.set(JSON.stringify([key, defining, encoding]), () => new AirCheck(server, mount, spec, encoding));
			}
	return wanted;
}

/** A stream of these profiles that feeds this mount of this server. */
function streamOf(profiles: readonly Profile[], key: string): StreamSpec | undefined {
	for (const p of profiles)
		for (const s of p.streams)
			for (const name of s.servers) {
				const server = p.servers[name];
				if (server && targetKey(server, s.mount) === key) return s;
			}
	return undefined;
}

/**
 * The air checks running for the profiles known: `follow` starts the new ones, stops the gone or
 * changed ones, and leaves the rest recording (a reload that changes nothing must not cut a file).
 */
export class AirChecks {
	private readonly running = new Map<string, AirCheck>();

	constructor(
		private readonly onRecording: (event: AirCheckEvents['recording'][0]) => void,
		private readonly onLog: (level: 'info' | 'warning', message: string) => void,
	) {}

	follow(profiles: readonly Profile[]): AirCheck[] {
		const wanted = airChecksOf(profiles);
		for (const [id, check] of this.running) {
			if (wanted.has(id)) continue;
			this.running.delete(id);
			void check.stop();
		}
		for (const [id, make] of wanted) {
			if (this.running.has(id)) continue;
			const check = make();
			check.on('recording', this.onRecording);
			check.on('log', this.onLog);
			this.running.set(id, check);
		}
		return [...this.running.values()];
	}

	async stop(): Promise<void> {
		await Promise.all([...this.running.values()].map((check) => check.stop()));
		this.running.clear();
	}
}
