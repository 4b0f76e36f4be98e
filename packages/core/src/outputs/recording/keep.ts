import type { RecordingSpec } from '../../profile/types.js';
import { recordingFilePattern } from '../files/naming.js';
import { applyRetention } from '../files/retention.js';
import { isBeingWritten } from './writing.js';

/** How often old files are looked for (`keep`), besides at each new part. */
const RETENTION_MS = 10 * 60_000;

/**
 * When a recording's `keep` removes its oldest files: at each new part, and every ten minutes between
 * (a recording that is not split still ages its older files out). Never a file any recording of this
 * process is writing.
 */
export class KeepTimer {
	#timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly spec: RecordingSpec,
		private readonly profile: { name: string; baseDir: string },
		private readonly removed: (files: string[]) => void,
	) {}

	start(): void {
		this.#timer = this.spec.keep ? setInterval(() => void this.apply(), RETENTION_MS).unref() : undefined;
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	/** Removes the files beyond `keep` now, if the recording has one. */
	async apply(): Promise<void> {
		if (!this.spec.keep) return;
		const removed = await applyRetention(
			this.spec.keep,
			recordingFilePattern(this.spec.path, this.profile.name, this.profile.baseDir),
			isBeingWritten,
			Date.now(),
			this.spec.sidecarsWithExtension,
		);
		if (removed.length > 0) this.removed(removed);
	}
}
