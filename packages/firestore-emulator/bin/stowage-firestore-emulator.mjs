#!/usr/bin/env node
// In-repo launcher (npm start, tests, the bench): runs the TypeScript sources directly, with no build
// step — tsx (a devDependency) compiles them on the fly, and a small resolve hook picks the `source`
// export condition of workspace packages (@stowage/core). Not published: the package's bin is
// dist/bin.js, compiled from src/bin.ts, which needs neither tsx nor the hook.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('../src/source-conditions.mjs', import.meta.url);
registerTsx();
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
