#!/usr/bin/env node
import { main } from './main.js';
import { catchStopSignals } from './run/stop-request.js';

// Before anything else runs: a Ctrl-C or SIGTERM during start-up is a stop, not a crash.
if (['up', 'demo'].includes(process.argv[2] ?? '')) catchStopSignals();
process.exitCode = await main(process.argv.slice(2));
