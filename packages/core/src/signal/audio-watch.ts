import type { Readable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { SilenceConfig } from '../profile/types.js';
import type { AudioStatus, SilenceEvent } from '../status/types.js';
import { SignalMeter, type MeterReading } from './meter.js';
import { SilenceAlarm } from './silence-alarm.js';
import { SilenceDetector } from './silence.js';
import { WavReader } from './wav-reader.js';

export interface AudioWatchEvents {
	level: [status: AudioStatus];
	silence: [event: SilenceEvent];
	/** Each 100 ms step of audio: whether every channel was below the silence threshold. */
	step: [quiet: boolean, ms: number];
	log: [level: 'info' | 'warning', message: string];
}

/** At most this many `level` events a second. */
const LEVEL_EVENTS_PER_SECOND = 10;
const STEP_SECONDS = 0.1;

/**
 * What goes to air, heard: the level meter on the encoder's PCM copy, dead-air detection and its
 * alarms. One per profile; it outlives encoder restarts (integrated loudness, true-peak maximum
 * and clip count are since the profile started).
 */
export class AudioWatch extends EventEmitter<AudioWatchEvents> {
	private reading: MeterReading | undefined;
	private readonly meter = new SignalMeter((reading) => this.observe(reading));
	/**
	 * With loudness control: the input before it. Dead air is told from it then, not from the air: the
	 * gain control lifts a hiss by up to `max_gain` (measured: -65 dBFS to -41 at 24 dB), which would
	 * pass for sound.
	 */
	private inputReading: MeterReading | undefined;
	private readonly inputMeter = new SignalMeter((reading) => {
		this.inputReading = reading;
		if (this.processing) this.detect(reading);
	});
	private detector: SilenceDetector | undefined;
	/** No dead air is judged while nobody is meant to be heard (a harbor between DJs). */
	private deadAirPaused = false;
	private readonly alarm: SilenceAlarm | undefined;
	private lastLevelEvent = 0;
	private meterFailure: string | undefined;

	constructor(
		private readonly profile: string,
		private readonly config: SilenceConfig | false,
		signal: AbortSignal,
		/** Loudness control is on: a copy of the input comes beside the air's (attachInput). */
		private readonly processing = false,
	) {
		super();
		if (config) {
			this.detector = new SilenceDetector(config);
			this.alarm = new SilenceAlarm(config, (level, message) => this.emit('log', level, message), signal);
		}
	}

	/** Reads one encoder process's PCM copy. */
	attach(pipe: Readable): void {
		this.read(pipe, this.meter);
	}

	/** Reads one encoder process's copy of the input before loudness control. */
	attachInput(pipe: Readable): void {
		this.read(pipe, this.inputMeter);
	}

	private read(pipe: Readable, meter: SignalMeter): void {
		const reader = new WavReader((samples, format) => meter.push(samples, format));
		let broken = false;
		const measure = (work: () => void) => {
			if (broken) return;
			try {
				work();
			} catch (error) {
				broken = true;
				// Said once: a meter that cannot run (no WebAssembly) would say it at every restart.
				if (this.meterFailure === (error as Error).message) return;
				this.meterFailure = (error as Error).message;
				this.emit('log', 'warning', `${(error as Error).message}; levels are not measured until ffmpeg restarts`);
			}
		};
		measure(() => meter.restart());
		pipe.on('data', (chunk: Buffer) => measure(() => reader.push(chunk)));
	}

	status(): AudioStatus | null {
		const r = this.reading;
		if (!r) return null;
		return {
			peakDb: r.peakDb.map(finite),
			rmsDb: r.rmsDb.map(finite),
			momentaryLufs: finite(r.momentaryLufs),
			shortTermLufs: finite(r.shortTermLufs),
			integratedLufs: finite(r.integratedLufs),
			truePeakDb: finite(r.truePeakDb),
			silent: this.detector?.silent ?? false,
			silentSince: this.detector?.silentSince?.toISOString() ?? null,
			clips: r.clips,
			...(this.inputReading
				? {
						input: {
							peakDb: this.inputReading.peakDb.map(finite),
							momentaryLufs: finite(this.inputReading.momentaryLufs),
							shortTermLufs: finite(this.inputReading.shortTermLufs),
						},
					}
				: {}),
		};
	}

	private observe(reading: MeterReading): void {
		this.reading = reading;
		if (!this.processing) this.detect(reading);
		const now = performance.now();
		if (now - this.lastLevelEvent >= 1000 / LEVEL_EVENTS_PER_SECOND - 5) {
			this.lastLevelEvent = now;
			this.emit('level', this.status()!);
		}
	}

	/**
	 * Between a harbor's DJs the input is silence on purpose: no dead air is judged then, and any
	 * counted so far is forgotten (the next DJ starts with a clean slate).
	 */
	pauseDeadAir(paused: boolean): void {
		if (paused === this.deadAirPaused) return;
		this.deadAirPaused = paused;
		if (paused && this.config) this.detector = new SilenceDetector(this.config);
	}

	/** Dead air: each 100 ms step of the signal it is told from. */
	private detect(reading: MeterReading): void {
		if (this.deadAirPaused) return;
		if (this.config) {
			const threshold = this.config.threshold;
			this.emit(
				'step',
				reading.rmsDb.every((level) => !(level >= threshold)),
				STEP_SECONDS * 1000,
			);
		}
		const change = this.detector?.observe(reading.rmsDb, STEP_SECONDS, new Date());
		if (change && this.config) {
			const event: SilenceEvent = {
				profile: this.profile,
				state: change.state,
				since: change.since.toISOString(),
				seconds: change.seconds,
			};
			this.emit('silence', event);
			this.emit(
				'log',
				change.state === 'started' ? 'warning' : 'info',
				change.state === 'started'
					? `silence: every channel below ${this.config.threshold} dBFS for ${change.seconds} s`
					: `sound is back after ${change.seconds} s of silence`,
			);
			this.alarm?.raise(event);
		}
	}
}

/** Below this a level is a filter's decaying tail, not a signal (24-bit audio's floor is -144). */
const FLOOR_DB = -150;

/** -Infinity (digital silence), NaN and a filter's tail are null: no audio to speak of. Rounded to 0.1 dB. */
function finite(value: number): number | null {
	return Number.isFinite(value) && value > FLOOR_DB ? Math.round(value * 10) / 10 : null;
}
