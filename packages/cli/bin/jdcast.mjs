#!/usr/bin/env node
// The `jdcast` command: the bundled CLI (built into dist/ by `npm run build`).
import '../dist/bundle/jdcast.mjs';
