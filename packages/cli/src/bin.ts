#!/usr/bin/env node
import { catchStopSignals } from './run/stop-request.js';

// Output piped to a program that went away (`jdcast up --json | tee log`, then Ctrl-C): jdcast
// goes on stopping cleanly instead of dying on EPIPE halfway, leaving its children behind.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
	});
}

// Before anything else runs, even loading the rest of jdcast: a Ctrl-C or SIGTERM during start-up is a stop, not
// a crash.
if (['up', 'demo'].includes(process.argv[2] ?? '')) catchStopSignals();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
