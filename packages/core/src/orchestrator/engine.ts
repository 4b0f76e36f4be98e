import type { Metadata, MetadataResult } from '../metadata/types.js';
import type { Profile } from '../profile/types.js';
import type { JdcastEventMessage } from '../status/messages.js';
import type {
	HandoverResult,
	JackClientAnswer,
	MountChangeReason,
	ScheduleStatus,
	StatusSnapshot,
} from '../status/types.js';
import type { HandoverOptions } from './handover.js';

/**
 * What the adapters — the control socket, the HTTP side, the scheduler — may ask of the engine,
 * and all they know of it: they import this, never the Orchestrator that implements it, so that the
 * engine imports none of them (docs/architecture.md, "Layers").
 */
export interface Engine {
	/** One snapshot of every profile, mount and the schedule. */
	status(): StatusSnapshot;
	/** Every known profile's name, running or not, in the order given. */
	readonly profileNames: string[];
	/** The profiles this engine knows, running or not. */
	readonly knownProfiles: Profile[];
	readonly runningProfileNames: string[];
	/** Whether a running profile is on air on one of its shared mounts now (not as the last status said). */
	holdsSharedMount(name: string): boolean;
	/** Starts a known profile (again); `holdShared`: its shared mounts wait. Throws E_UNKNOWN_PROFILE. */
	startProfile(name: string, options?: { holdShared?: boolean; reason?: MountChangeReason }): Promise<void>;
	/** Stops one profile; the others are not touched. Throws E_UNKNOWN_PROFILE. */
	stopProfile(name: string, reason?: MountChangeReason): Promise<void>;
	/** New "now playing" for a profile or a mount. Throws E_UNKNOWN_TARGET. */
	setMetadata(target: string, metadata: Metadata): Promise<MetadataResult[]>;
	/** Hands FROM's shared mounts to TO on FROM's own connections. Throws E_HANDOVER_*. */
	handover(
		from: string,
		to: string,
		options?: HandoverOptions & { stopFrom?: boolean; reason?: 'handover' | 'schedule' },
	): Promise<HandoverResult>;
	/** `jdcast disconnect` (on: false) / `jdcast connect` (on: true) of a JACK source client of a running profile. */
	routeClient(name: string, client: string, on: boolean): Promise<JackClientAnswer>;
	/** Every event, one message each; returns the unsubscribe function. */
	onEveryEvent(listener: (message: JdcastEventMessage) => void): () => void;
	/** Says something in the engine's own log (`log` events with no profile). */
	say(level: 'info' | 'warning', message: string): void;
}

/**
 * What decides which profiles run when — a schedule: the engine asks it whether a profile is due
 * when it starts or reloads one, and shows its status; it drives the engine through `Engine`.
 */
export interface ProfileGovernor {
	/** `now`: runs now; `ahead`: runs, its shared mounts held back before its slot; undefined: not now. */
	due(name: string): 'now' | 'ahead' | undefined;
	status(): Omit<ScheduleStatus, 'current'>;
	start(): void;
	stop(): void;
}
