#!/usr/bin/env node
// The published `stowage-firestore-emulator` bin, compiled to dist/bin.js: plain Node ≥ 20 runs it
// with no TypeScript loader. In the monorepo, bin/stowage-firestore-emulator.mjs runs src/ instead.
import { main } from './cli.js';

await main(process.argv.slice(2));
