/**
 * `@jdcast/core`: the engine. Load profiles ({@link loadProfileFiles}, {@link loadProfileText},
 * {@link loadProfileObject}), run them ({@link Orchestrator}: start, `live()`, events, "now playing",
 * status, stop), and answer for them (the control API, HTTP, health).
 *
 * @module @jdcast/core
 */
export { JdcastError, ProfileError, SecretError, ERROR_CODES, type JdcastErrorCode } from './errors/index.js';
export {
	formatDiagnostic,
	formatLocation,
	hasErrors,
	type Diagnostic,
	type Location,
	type Position,
	type Severity,
} from './profile/diagnostic.js';
export {
	loadProfileText,
	loadProfileFiles,
	loadProfileObject,
	MAX_PROFILE_BYTES,
	type LoadResult,
	type LoadManyResult,
	type ProfileObjectOptions,
} from './profile/load.js';
export { loadProfileFilesOffThread } from './profile/load-off-thread.js';
export { Secret } from './profile/secret.js';
export type * from './profile/types.js';
export { plan, planSummary, type EncodePlan, type EncoderPlan, type StreamTarget } from './plan/plan.js';
export { Orchestrator, type OrchestratorOptions } from './orchestrator/orchestrator.js';
export type { Engine, ProfileGovernor } from './orchestrator/engine.js';
export { Scheduler } from './schedule/scheduler.js';
export type { Clock } from './util/clock.js';
export type { HandoverOptions } from './orchestrator/handover.js';
export type { Container } from './formats/index.js';
export type {
	JdcastEvents,
	StatusSnapshot,
	ProfileStatus,
	OutputStatus,
	RecordingStatus,
	ProfileState,
	OutputState,
	RecordingState,
	AudioStatus,
	InputLevel,
	SilenceEvent,
	ProcessStatus,
	ScheduleStatus,
	HandoverResult,
	JackClientAnswer,
	ListenerSeries,
	MountListeners,
	MountOnServer,
	MountSource,
	MountEvent,
	FailoverEvent,
	FailoverStatus,
	HarborDj,
	HarborEvent,
	HarborStatus,
	MountChangeReason,
} from './status/types.js';
export { describeReload, listenersByMount } from './status/types.js';
export type { JdcastEventMessage } from './status/messages.js';
export { IcecastError, type IcecastErrorCode } from './icecast/errors.js';
export { startEmbeddedIcecast, type EmbeddedIcecast, type EmbeddedIcecastOptions } from './icecast/embedded.js';
export { songLine, type Metadata, type MetadataResult } from './metadata/types.js';
export { mergeMounts, mountBlocks, relayBlocks } from './icecast/mount-config.js';
export { loadScheduleFile, loadScheduleText, type ScheduleLoad } from './schedule/load.js';
export { Schedule, type Slot, type Occurrence, type Weekday } from './schedule/schedule.js';
export { followNowPlayingFile, type NowPlayingFollower } from './metadata/now-playing-file.js';
export { type ReloadResult } from './orchestrator/orchestrator.js';
export { healthOf, type Health } from './status/health.js';
export { createController, type Controller, type ControllerOptions } from './control/server.js';
export { connectController, ControlError, type ControlClient } from './control/client.js';
export { controlSocketPath } from './control/socket-path.js';
export type { ControlApi, ControlErrorBody, HttpApi, ProfileStateAnswer } from './control/api.js';
