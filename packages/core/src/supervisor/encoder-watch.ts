import type { EncoderLoop } from '../encoder/supervise.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { JdcastEvents, ProfileState } from '../status/types.js';

/** What the encoder's life changes in the profile around it. */
export interface ProfileLife {
	readonly profile: string;
	outputs(): readonly IcecastOutput[];
	/** The profile's state (undefined: as it is), with the reason (null: all is well), told as a `profile` event. */
	set(state: ProfileState | undefined, reason: string | null): void;
	encoderEvent(event: JdcastEvents['encoder'][0]): void;
	log(level: 'info' | 'warning' | 'error', message: string): void;
}

/** Follows one profile's encoder loop: its state follows ffmpeg's, its outputs know when input stops. */
export function watchEncoder(encoder: EncoderLoop, life: ProfileLife): EncoderLoop {
	const { profile } = life;
	encoder.on('started', (pid) =>
		life.encoderEvent({ profile, pid, restarts: encoder.restarts, running: true, reason: null }),
	);
	encoder.on('audio', () => life.set('running', null));
	// ffmpeg is gone: listeners hear nothing from now until the next one's first page.
	encoder.on('ended', () => {
		for (const output of life.outputs()) output.inputLost();
	});
	encoder.on('restarting', (reason) => {
		life.set('restarting', reason);
		life.encoderEvent({ profile, pid: null, restarts: encoder.restarts, running: false, reason });
		life.log('warning', `ffmpeg exited (${reason}); restarting`);
	});
	encoder.on('failed', (message, code) => giveUp(life, message, code));
	encoder.on('log', (level, message) => life.log(level, message));
	return encoder;
}

/** The encoder cannot run: the profile fails, and so does every output (no `live` without audio). */
export function giveUp(life: ProfileLife, message: string, code: string): void {
	life.set(undefined, message);
	life.log('error', message);
	life.set('failed', message);
	for (const output of life.outputs()) {
		// One that failed on its own (its password) keeps its own reason.
		if (output.state === 'failed') continue;
		if (output.state === 'connecting' && !output.started) output.fail(message, code);
		else void output.stop().then(() => output.fail(message, code));
	}
}

/**
 * Every output has failed for good (each for a cause no retry mends: a password refused or unreadable,
 * the encoder itself) and nothing records: nothing the profile does reaches anyone. The profile says so
 * in its state, with the outputs' reasons, and its encoder stops: a failed profile runs nothing.
 */
export function failIfNothingLeft(life: ProfileLife, recordings: number, stopEncoder: () => Promise<void>): boolean {
	const outputs = life.outputs();
	if (recordings > 0 || outputs.length === 0 || outputs.some((o) => o.state !== 'failed')) return false;
	const causes = [...new Set(outputs.map((o) => o.lastError ?? 'no reason given'))];
	const message = `every output failed for good: ${causes.join('; ')}`;
	life.log('error', message);
	life.set('failed', message);
	void stopEncoder();
	return true;
}
