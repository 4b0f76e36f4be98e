/**
 * `@jdcast/jackdaw-plugin`: "start streaming" for Jackdaw's voice assistant — the phrases, the
 * plugin's settings, and the bridge installed into Jackdaw.
 *
 * @module @jdcast/jackdaw-plugin
 */
export { respond, matchPhrase, describe, PHRASES, type Reply, type PhraseOptions, type Handler } from './phrases.js';
export { parseConfig, type PluginConfig } from './config.js';
export { stopLaunched } from './launcher.js';
export { installBridge, uninstallBridge, bridgePath, type Installed } from './install.js';
export { sayMount, sayDuration } from './speech.js';
