export { respond, matchPhrase, describe, PHRASES, type Reply, type PhraseOptions } from './phrases.js';
export { parseConfig, type PluginConfig } from './config.js';
export { stopLaunched } from './launcher.js';
export { installBridge, uninstallBridge, bridgePath } from './install.js';
export { sayMount, sayDuration } from './speech.js';
