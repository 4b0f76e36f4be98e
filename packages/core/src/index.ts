export { JdcastError, ProfileError, SecretError } from './errors/index.js';
export { formatDiagnostic, hasErrors, type Diagnostic, type Position, type Severity } from './profile/diagnostic.js';
export { loadProfileText, loadProfileFiles, type LoadResult, type LoadManyResult } from './profile/load.js';
export { fromJackdawConfig, fromJackdawConfigFile, JACKDAW_DEFAULTS } from './profile/jackdaw.js';
export { resolvePassword } from './profile/secrets.js';
export { Secret } from './profile/secret.js';
export { schemaUrl } from './profile/schema.js';
export type * from './profile/types.js';
export { plan, planSummary, type EncodePlan, type EncoderPlan, type StreamTarget } from './plan/plan.js';
