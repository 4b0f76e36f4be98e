/**
 * `@jdcast/core/internal`: helpers that `@jdcast/cli` and `@jdcast/jackdaw-plugin` share with the
 * engine (file reading with limits, globs, telling a schedule from a profile, atomic writes, the
 * HTTP token rules, "did you mean"). Not the library's front door, and without a stability
 * promise: a program that embeds jdcast needs only `@jdcast/core`.
 *
 * @module @jdcast/core/internal
 */
export { checkHttpAccess, readHttpTokenFile } from './http/auth.js';
export { passwordVariables } from './profile/secrets.js';
export { expandProfilePaths } from './profile/files.js';
export { isScheduleFile } from './schedule/recognise.js';
export { closest } from './profile/suggest.js';
export { writeFileAtomically } from './util/atomic-file.js';
export { isLoopbackHost } from './util/loopback.js';
export { ownerOf, watchOwner, type Owner } from './util/owner.js';
export { readSmallFile, SmallFileError } from './util/small-file.js';
export { withoutControlCharacters } from './util/text.js';
export { formatTitle } from './formats/index.js';
export { clientOf } from './jack/rules.js';
