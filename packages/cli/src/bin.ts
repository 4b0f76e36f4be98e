#!/usr/bin/env node
import { catchStopSignals } from './run/stop-request.js';

// Before anything else runs, even loading the rest of jdcast: a Ctrl-C or SIGTERM during start-up is a stop, not a crash.
if (['up', 'demo'].includes(process.argv[2] ?? '')) catchStopSignals();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
