import { IcecastOutput } from '../outputs/icecast-output.js';
import { RecordingSink } from '../outputs/recording.js';
import type { Sink } from '../outputs/sink.js';
import type { ProfileStatus } from '../status/types.js';

/**
 * Every output and recording of a profile, in the order of the profile: started, stopped and told as
 * one list. Covers and a harbor's recordings of a DJ set come and go.
 */
export class SinkList {
	readonly all: Sink[] = [];

	add(sink: Sink): void {
		this.all.push(sink);
	}

	remove(sink: Sink): void {
		const at = this.all.indexOf(sink);
		if (at >= 0) this.all.splice(at, 1);
	}

	get outputs(): IcecastOutput[] {
		return this.all.filter((sink) => sink instanceof IcecastOutput);
	}

	get recordings(): RecordingSink[] {
		return this.all.filter((sink) => sink instanceof RecordingSink);
	}

	/** Each output's and recording's status, for the profile's. */
	status(): Pick<ProfileStatus, 'outputs' | 'recordings'> {
		return { outputs: this.outputs.map((o) => o.status()), recordings: this.recordings.map((r) => r.status()) };
	}
}
