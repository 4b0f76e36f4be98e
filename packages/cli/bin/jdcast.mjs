#!/bin/sh
":" //; exec node --max-semi-space-size=1 --v8-pool-size=1 --optimize-for-size "$0" "$@"
// The `jdcast` command: the bundled CLI (built into dist/ by `npm run build`).
import '../dist/bundle/jdcast.mjs';
