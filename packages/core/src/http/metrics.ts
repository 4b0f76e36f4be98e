import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Engine } from '../orchestrator/engine.js';
import type { ProfileStatus, StatusSnapshot } from '../status/types.js';

type Labels = Record<string, string>;
type Sample = [Labels, number];

/** A metric read from the status snapshot at each scrape. */
interface Spec {
	name: string;
	help: string;
	labels: string[];
	counter?: boolean;
	read: (profile: ProfileStatus) => Sample[];
}

const LUFS_WINDOWS = [
	['momentary', 'momentaryLufs'],
	['short_term', 'shortTermLufs'],
	['integrated', 'integratedLufs'],
] as const;

const outputs =
	(read: (o: ProfileStatus['outputs'][number]) => number | null) =>
	(p: ProfileStatus): Sample[] =>
		p.outputs.flatMap((o) => {
			const value = read(o);
			return value === null ? [] : [[{ profile: p.name, server: o.server, mount: o.mount }, value] as Sample];
		});

/** A level in dB where null means digital silence once anything was measured. */
const db = (value: number | null): number => value ?? -Infinity;

const SPECS: Spec[] = [
	{
		name: 'jdcast_profile_running',
		help: '1 while the profile runs (encoder up), 0 otherwise',
		labels: ['profile'],
		read: (p) => [[{ profile: p.name }, p.state === 'running' ? 1 : 0]],
	},
	{
		name: 'jdcast_output_up',
		help: '1 while the output is live (connected, bytes flowing), 0 otherwise',
		labels: ['profile', 'server', 'mount'],
		read: outputs((o) => (o.state === 'live' ? 1 : 0)),
	},
	{
		name: 'jdcast_output_waiting',
		help: '1 while a shared mount waits for its turn (another source holds it): not a fault',
		labels: ['profile', 'server', 'mount'],
		read: outputs((o) => (o.state === 'waiting' ? 1 : 0)),
	},
	{
		name: 'jdcast_output_standby',
		help: '1 while a shared output stands by (its mount handed to another profile, held back before its slot, yielded for dead air): not a fault',
		labels: ['profile', 'server', 'mount'],
		read: outputs((o) => (o.state === 'standby' ? 1 : 0)),
	},
	{
		name: 'jdcast_output_bytes_total',
		help: 'Bytes sent to the server',
		labels: ['profile', 'server', 'mount'],
		counter: true,
		read: outputs((o) => o.bytesSent),
	},
	{
		name: 'jdcast_output_reconnects_total',
		help: 'Connection attempts after the first',
		labels: ['profile', 'server', 'mount'],
		counter: true,
		read: outputs((o) => o.reconnects),
	},
	{
		name: 'jdcast_output_listeners',
		help: "Listeners on the mount, from the server's status page",
		labels: ['profile', 'server', 'mount'],
		read: outputs((o) => o.listeners),
	},
	{
		name: 'jdcast_encoder_restarts_total',
		help: 'Times the encoder was restarted',
		labels: ['profile'],
		counter: true,
		read: (p) => [[{ profile: p.name }, p.encoder.restarts]],
	},
	{
		name: 'jdcast_encoder_xruns_total',
		help: "Audio lost before encoding, as ffmpeg's JACK input reported it",
		labels: ['profile'],
		counter: true,
		read: (p) => [[{ profile: p.name }, p.encoder.xruns]],
	},
	{
		name: 'jdcast_input_peak_dbfs',
		help: 'Sample peak over the last 400 ms per channel, dBFS',
		labels: ['profile', 'channel'],
		read: (p) => (p.audio?.peakDb ?? []).map((v, i) => [{ profile: p.name, channel: String(i + 1) }, db(v)]),
	},
	{
		name: 'jdcast_input_rms_dbfs',
		help: 'RMS over the last 400 ms per channel, dBFS',
		labels: ['profile', 'channel'],
		read: (p) => (p.audio?.rmsDb ?? []).map((v, i) => [{ profile: p.name, channel: String(i + 1) }, db(v)]),
	},
	{
		name: 'jdcast_input_lufs',
		help: 'EBU R128 loudness, LUFS',
		labels: ['profile', 'window'],
		read: (p) =>
			p.audio ? LUFS_WINDOWS.map(([window, key]) => [{ profile: p.name, window }, db(p.audio![key])] as Sample) : [],
	},
	{
		name: 'jdcast_failover_total',
		help: 'Times a backup output removed a silent holder of its mount (failover) and took it over',
		labels: ['profile', 'server', 'mount'],
		counter: true,
		read: (p) =>
			p.outputs.flatMap((o) =>
				o.failover ? [[{ profile: p.name, server: o.server, mount: o.mount }, o.failover.count] as Sample] : [],
			),
	},
	{
		name: 'jdcast_harbor_dj_on_air',
		help: "With input.harbor: 1 while a DJ's audio goes to air, 0 between DJs",
		labels: ['profile'],
		read: (p) => (p.harbor ? [[{ profile: p.name }, p.harbor.dj?.onAirSince ? 1 : 0]] : []),
	},
	{
		name: 'jdcast_harbor_refused',
		help: 'With input.harbor: connections refused since the profile started (wrong password, mount in use, limits)',
		labels: ['profile'],
		read: (p) => (p.harbor ? [[{ profile: p.name }, p.harbor.refused]] : []),
	},
	{
		name: 'jdcast_unprocessed_lufs',
		help: 'With loudness control (processing:), the input before it: EBU R128 loudness, LUFS',
		labels: ['profile', 'window'],
		read: (p) =>
			p.audio?.input
				? (['momentary', 'short_term'] as const).map(
						(window) =>
							[
								{ profile: p.name, window },
								db(window === 'momentary' ? p.audio!.input!.momentaryLufs : p.audio!.input!.shortTermLufs),
							] as Sample,
					)
				: [],
	},
	{
		name: 'jdcast_input_true_peak_dbtp',
		help: 'Highest true peak since the start, dBTP',
		labels: ['profile'],
		read: (p) => (p.audio ? [[{ profile: p.name }, db(p.audio.truePeakDb)]] : []),
	},
	{
		name: 'jdcast_input_silent',
		help: '1 during dead air (every channel below the silence threshold long enough)',
		labels: ['profile'],
		read: (p) => (p.audio ? [[{ profile: p.name }, p.audio.silent ? 1 : 0]] : []),
	},
	{
		name: 'jdcast_input_clips_total',
		help: 'Samples at full scale since the start',
		labels: ['profile'],
		counter: true,
		read: (p) => (p.audio ? [[{ profile: p.name }, p.audio.clips]] : []),
	},
	{
		name: 'jdcast_recording_bytes_total',
		help: 'Bytes written to the recording, all its files',
		labels: ['profile', 'recording'],
		counter: true,
		read: (p) => p.recordings.map((r) => [{ profile: p.name, recording: r.name }, r.bytes]),
	},
	{
		name: 'jdcast_recording_lost_seconds_total',
		help: 'Seconds of audio lost to disk failures',
		labels: ['profile', 'recording'],
		counter: true,
		read: (p) => p.recordings.map((r) => [{ profile: p.name, recording: r.name }, r.lostSeconds]),
	},
];

/** Node's process metrics, registered once per process: their monitors live as long as it does. */
let processRegistry: Registry | undefined;

export interface Metrics {
	contentType: string;
	/** The text of one scrape: one status snapshot for all of jdcast's metrics, then the process's. */
	scrape(): Promise<string>;
}

/** jdcast's figures, read from the status snapshot at each scrape, and Node's process defaults. */
export function createMetrics(orchestrator: Engine): Metrics {
	const registry = new Registry();
	if (!processRegistry) {
		processRegistry = new Registry();
		collectDefaultMetrics({ register: processRegistry });
	}
	let snapshot: StatusSnapshot = orchestrator.status();
	for (const spec of SPECS) {
		const samples = () => snapshot.profiles.flatMap((profile) => spec.read(profile));
		const common = { name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry] };
		if (spec.counter) {
			new Counter({
				...common,
				collect() {
					this.reset();
					for (const [labels, value] of samples()) this.inc(labels, value);
				},
			});
		} else {
			new Gauge({
				...common,
				collect() {
					this.reset();
					for (const [labels, value] of samples()) this.set(labels, value);
				},
			});
		}
	}
	new Gauge({
		name: 'jdcast_event_loop_delay_max_ms',
		help: 'The longest the event loop (which moves every byte) was held up in the last minute, ms',
		registers: [registry],
		collect() {
			this.set(snapshot.process.loopDelayMaxMs);
		},
	});
	const processMetrics = processRegistry;
	return {
		contentType: registry.contentType,
		async scrape() {
			snapshot = orchestrator.status();
			return `${await registry.metrics()}\n${await processMetrics.metrics()}`;
		},
	};
}
