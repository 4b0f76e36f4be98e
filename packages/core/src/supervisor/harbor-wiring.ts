import { HarborError } from '../errors/index.js';
import type { Tap } from '../fanout/tap.js';
import { metadataOf } from './now-playing.js';
import type { Metadata } from '../metadata/types.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import { RecordingSink } from '../outputs/recording.js';
import type { EncodePlan } from '../plan/plan.js';
import { resolveHarborUsers } from '../profile/secrets.js';
import type { Profile } from '../profile/types.js';
import type { AudioWatch } from '../signal/audio-watch.js';
import type { JdcastEvents } from '../status/types.js';
import type { SharedMounts } from './dead-air-yield.js';
import { HarborDesk } from './harbor-desk.js';
import type { SinkList } from './sink-list.js';

export type { HarborDesk };

/** What a harbor needs of its profile's Supervisor. */
export interface HarborHost {
	profile: Profile;
	plan: EncodePlan;
	audio: AudioWatch;
	taps: ReadonlyMap<number, Tap>;
	outputs: () => readonly IcecastOutput[];
	mounts: SharedMounts | undefined;
	/** A set's recordings join the profile's list of sinks (status, events) while they run. */
	addRecording: (sink: RecordingSink) => void;
	sinks: SinkList;
	emit: (payload: JdcastEvents['harbor'][0]) => void;
	log: (level: 'info' | 'warning' | 'error', message: string) => void;
	setMetadata: (metadata: Metadata) => void;
}

/**
 * The harbor of a profile whose input is one (undefined otherwise): its desk, with a recording per
 * DJ set in place of the profile's recordings (a file for each set, `{dj}` in its name).
 */
export function harborOf(host: HarborHost): HarborDesk | undefined {
	const { profile } = host;
	if (profile.input.kind !== 'harbor') return undefined;
	const set: RecordingSink[] = [];
	let nowPlaying: Metadata = metadataOf(profile.info) ?? {};
	const endSet = () => {
		for (const sink of set.splice(0)) {
			host.sinks.remove(sink);
			void sink.stop();
		}
	};
	return new HarborDesk({
		profile,
		input: profile.input,
		ffmpeg: host.plan.argv[0]!,
		audio: host.audio,
		outputs: host.outputs,
		mounts: host.mounts,
		event: (event) => host.emit({ profile: profile.name, ...event }),
		log: host.log,
		nowPlaying: (metadata) => {
			nowPlaying = metadata;
			host.setMetadata(metadata);
		},
		setBegins: (user) => {
			endSet();
			for (const encoder of host.plan.encoders)
				for (const spec of encoder.recordings) {
					const sink = new RecordingSink(spec, profile, host.taps.get(encoder.fd)!, nowPlaying, user);
					set.push(sink);
					host.addRecording(sink);
					void sink.start();
				}
		},
		setEnds: endSet,
	});
}

/** The harbor's passwords read and its port listened on; a sentence (and code) when it cannot. */
export async function openHarbor(
	desk: HarborDesk,
	profile: Profile,
	env: NodeJS.ProcessEnv | undefined,
): Promise<{ message: string; code: 'E_HARBOR_LISTEN' | 'E_SECRET_UNRESOLVED' } | undefined> {
	if (profile.input.kind !== 'harbor') return undefined;
	try {
		await desk.start(await resolveHarborUsers(profile, profile.input, env));
		return undefined;
	} catch (error) {
		if (error instanceof HarborError) return { message: error.message, code: 'E_HARBOR_LISTEN' };
		return { message: (error as Error).message, code: 'E_SECRET_UNRESOLVED' };
	}
}
