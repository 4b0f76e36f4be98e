import type { Tap } from '../fanout/tap.js';
import { IcecastOutput } from '../outputs/icecast-output.js';
import type { EncodePlan, EncoderPlan, StreamTarget } from '../plan/plan.js';
import type { Credentials } from '../profile/secrets.js';
import type { ServerConfig } from '../profile/types.js';
import { metadataOf } from './now-playing.js';

/**
 * A profile's output to one target: failed at once when its password could not be read, with the
 * admin credentials for MP3's "now playing", and the stream's own title when it names one. `watch`
 * is given it first: its failure at birth is an event like any other.
 */
export function newOutput(
	server: ServerConfig,
	encoder: EncoderPlan,
	tap: Tap,
	target: StreamTarget,
	{ password, admin, failure }: Credentials,
	watch: (output: IcecastOutput) => void,
): IcecastOutput {
	const { mount, info, shared } = target;
	const output = new IcecastOutput({ server, mount, info, encoder, tap, password, shared, admin });
	watch(output);
	if (failure) output.fail(failure.message, failure.code);
	const own = metadataOf(target.info);
	if (own) void output.setMetadata(own);
	return output;
}

/**
 * An output that covers `mount` of `server` from encoder `fd` (the fallback's encoding this profile
 * already sends there), or undefined when this profile has no such encoder or output.
 */
export function coverOutput(
	plan: EncodePlan,
	taps: ReadonlyMap<number, Tap>,
	outputs: readonly IcecastOutput[],
	server: ServerConfig,
	mount: string,
	fd: number,
): IcecastOutput | undefined {
	const encoder = plan.encoders.find((e) => e.fd === fd);
	const tap = taps.get(fd);
	const own = outputs.find((o) => o.encoding === encoder && o.server.name === server.name);
	if (!encoder || !tap || !own) return undefined;
	return new IcecastOutput({
		server,
		mount,
		info: own.info,
		encoder,
		tap,
		password: own.password,
		shared: true,
		covering: true,
	});
}
