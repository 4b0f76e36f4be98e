import type { Tap } from '../fanout/tap.js';
import type { SourceConnection } from '../icecast/source-connection.js';
import { IcecastOutput } from '../outputs/icecast-output.js';
import type { EncodePlan, EncoderPlan, StreamTarget } from '../plan/plan.js';
import type { Credentials } from '../profile/secrets.js';
import type { ServerConfig } from '../profile/types.js';
import type { SharedMounts } from './dead-air-yield.js';
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

/**
 * Puts a cover on air on the connection another profile gave up: `add` lists and watches it first.
 * Resolves at its first unit on the connection (the moment listeners hear the cover); undefined
 * when there is no output to cover with.
 */
export function coverWith(
	connection: SourceConnection,
	output: IcecastOutput | undefined,
	add: (output: IcecastOutput) => void,
): Promise<number> | undefined {
	if (!output) return undefined;
	add(output);
	output.hold();
	output.start();
	return output.adopt(connection);
}

/** A profile stops: each shared mount it holds that another profile can cover goes on that profile's connection. */
export function coverOnStop(
	name: string,
	outputs: readonly IcecastOutput[],
	mounts: SharedMounts | undefined,
	log: (entry: { profile: string; level: 'info'; message: string }) => void,
): void {
	for (const output of outputs)
		if (output.shared && output.onAir)
			mounts?.coverFrom(name, output, (profile, message) => log({ profile, level: 'info', message }));
}
