import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingSpec } from '../../profile/types.js';
import { recordingFilePattern } from '../files/naming.js';
import { type Owner, OwnedIndex } from '../files/owned.js';
import { applyRetention } from '../files/retention.js';
import { isBeingWritten } from './writing.js';

/** How often old files are looked for (`keep`), besides at each new part. */
const RETENTION_MS = 10 * 60_000;

/**
 * A recording's own files and when its `keep` removes the oldest of them. Every file the recording
 * creates is listed in an index beside it (files/owned.ts), whether it has a `keep` or not (one added
 * later then knows the files recorded before); `keep` removes listed files only, at each new part and
 * every ten minutes between (a recording that is not split still ages its older files out), never a
 * file any recording of this process is writing.
 */
export class KeepTimer {
	#timer: NodeJS.Timeout | undefined;
	/** The index writes and keep passes under way, one after the other: idle() waits for them. */
	#work: Promise<void> = Promise.resolve();
	/** Said once: an index that could not be written. */
	#unlisted = false;
	readonly #owner: Owner;

	constructor(
		private readonly spec: RecordingSpec,
		private readonly profile: { name: string; baseDir: string },
		private readonly removed: (files: string[]) => void,
		private readonly note: (message: string) => void = () => {},
	) {
		this.#owner = { profile: profile.name, recording: spec.path };
	}

	start(): void {
		this.#timer = this.spec.keep ? setInterval(() => void this.apply(), RETENTION_MS).unref() : undefined;
	}

	/** No more passes on the timer. */
	stop(): void {
		clearInterval(this.#timer);
	}

	/** Once the index writes and the keep passes asked for so far are done. */
	idle(): Promise<void> {
		return this.#work;
	}

	/**
	 * This recording created `file` (open as `handle`): listed as its own, by its device and inode, and
	 * then the files beyond `keep` removed (the new file counted).
	 */
	created(file: string, handle: FileHandle): Promise<void> {
		// Read now, while the descriptor is surely open: it is the file, whatever its name holds by then.
		const id = handle.stat({ bigint: true });
		// Its failure is said in the job below, in its turn; until then it is no unhandled rejection.
		id.catch(() => {});
		void this.inTurn(async () => {
			try {
				await this.index(file).add(file, await id);
			} catch (error) {
				if (this.#unlisted) return;
				this.#unlisted = true;
				const why = (error as NodeJS.ErrnoException).code ?? String(error);
				this.note(`cannot list ${file} as this recording's (${why}): keep will never remove it`);
			}
		});
		return this.apply();
	}

	/** A file this recording created and then removed (it got no audio worth a file): no longer listed. */
	dropped(file: string): Promise<void> {
		return this.inTurn(() => this.index(file).forget([file]));
	}

	/** Removes the files beyond `keep` now, if the recording has one. */
	apply(): Promise<void> {
		const keep = this.spec.keep;
		if (!keep) return Promise.resolve();
		return this.inTurn(async () => {
			// `keep` needs a folder without {date} or {slot} (validate says so): one folder, one index.
			const { dir, name } = recordingFilePattern(this.spec.path, this.profile.name, this.profile.baseDir);
			const index = new OwnedIndex(dir, this.#owner, this.note);
			const { sidecarsWithExtension } = this.spec;
			const removed = await applyRetention(keep, index, name, isBeingWritten, Date.now(), sidecarsWithExtension);
			if (removed.length > 0) this.removed(removed);
		});
	}

	/** `job` after the ones before it; a failed one stops none after it. */
	private inTurn(job: () => Promise<void>): Promise<void> {
		this.#work = this.#work.then(job).catch(() => {});
		return this.#work;
	}

	private index(file: string): OwnedIndex {
		return new OwnedIndex(path.dirname(file), this.#owner, this.note);
	}
}
