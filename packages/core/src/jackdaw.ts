/**
 * `@jdcast/core/jackdaw`: the plumbing the Jackdaw plugin and the CLI share — Jackdaw's old
 * plugin config read as a profile, and a `jdcast up` started in the background and stopped again.
 *
 * @module @jdcast/core/jackdaw
 */
export {
	fromJackdawConfig,
	fromJackdawConfigFile,
	jackdawProfileYaml,
	JACKDAW_DEFAULTS,
	JACKDAW_PASSWORD_ENV,
	type JackdawRaw,
} from './profile/jackdaw.js';
export { startInBackground, stopBackground, type BackgroundOptions } from './control/background.js';
