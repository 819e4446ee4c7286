#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx compiles them on the fly, and a small
// resolve hook picks the `source` export condition of workspace packages (@stowage/core).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('../src/source-conditions.mjs', import.meta.url);
registerTsx();
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
