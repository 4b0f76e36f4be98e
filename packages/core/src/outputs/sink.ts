import type { Metadata } from '../metadata/types.js';
import type { OutputStatus, RecordingStatus } from '../status/types.js';

/**
 * Where an encoding's bytes go: an Icecast mount (`IcecastOutput`) or a file (`RecordingSink`).
 * Each subscribes to its encoding's tap and fails alone; the supervisor starts, stops and tells
 * them as one list. A new kind of output implements this and joins the list.
 */
export interface Sink {
	/** Begins: connects to its server, opens its file. */
	start(): void | Promise<void>;
	/** Ends once everything the encoder handed it is out (the last pages, the file's end). */
	stop(): Promise<void>;
	/**
	 * "Now playing" changed. Ogg streams carry it in band already (the tap retags them); an MP3
	 * mount tells Icecast's admin API, a recording marks its track list.
	 */
	setMetadata(metadata: Metadata): Promise<void>;
	/** Once a second: rates and states that depend on time. */
	tick?(): void;
	status(): OutputStatus | RecordingStatus;
}
