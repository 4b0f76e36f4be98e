/**
 * `@jdcast/core/testing`: what tests and demos need beside the engine — a JACK server with the
 * dummy backend, a test signal, a look at the JACK graph, a free port. Not the library's front door.
 *
 * @module @jdcast/core/testing
 */
export { startDummyJack, startTestSignal, type DummyJack } from './jack/server.js';
export { readGraph, connectPorts, type JackPort } from './jack/cli.js';
export { portPreferring } from './util/ports.js';
export { exampleAudio, exampleOutput, exampleProfile, exampleSnapshot } from './status/examples.js';
