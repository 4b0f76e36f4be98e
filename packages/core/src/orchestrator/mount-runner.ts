import type { SourceConnection } from '../icecast/source-connection.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { targetKey } from '../profile/cross-check.js';
import type { ServerConfig } from '../profile/types.js';
import type { MountSource } from '../status/types.js';

/** What the broker needs of an output: where it sends, whether it is on air or waits, and moving its connection. */
export type BrokeredOutput = Pick<
	IcecastOutput,
	| 'server'
	| 'mount'
	| 'shared'
	| 'covering'
	| 'onAir'
	| 'state'
	| 'lastErrorCode'
	| 'feed'
	| 'encoding'
	| 'handOff'
	| 'adopt'
>;

/** What the broker needs of a running profile: its name, its outputs, and covering a mount for another. */
export interface MountRunner {
	readonly name: string;
	readonly icecastOutputs: readonly BrokeredOutput[];
	/** Resolves once the cover's first unit is on the connection; undefined when it cannot cover. */
	cover(server: ServerConfig, mount: string, fd: number, connection: SourceConnection): Promise<unknown> | undefined;
	uncover(output: BrokeredOutput): void;
}

export function keyOf(output: Pick<BrokeredOutput, 'server' | 'mount'>): string {
	return targetKey(output.server, output.mount);
}

/**
 * One mount's source from the outputs that feed or want it: the profile on air there; else
 * `external` when one of ours waits because Icecast says the mount is in use; else nobody.
 */
export function sourceOf(list: readonly { output: BrokeredOutput; runner: MountRunner }[]): MountSource {
	const onAir = list.find((o) => o.output.onAir);
	if (onAir) return onAir.runner.name;
	const blocked = list.some(
		(o) =>
			o.output.state === 'waiting' ||
			(o.output.state === 'retrying' && o.output.lastErrorCode === 'E_ICECAST_MOUNT_IN_USE'),
	);
	// Refused while another of ours is still connecting to it: the refusal may be ours (two DJs started
	// together, one a moment ahead); it is known once that one is live or refused too.
	const oursConnecting = list.some((o) => o.output.state === 'connecting');
	return blocked && !oursConnecting ? 'external' : null;
}
