#!/usr/bin/env node
// The sync simulator: `pnpm sim [--seeds N] [--seed S --path P] [--log]` runs N random schedules
// (default 2000, as CI does), or replays the failure fast-check reported with seed S and path P.
// See packages/sync/src/__tests__/sim/.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' }, log: { type: 'boolean' } } });
const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env };
if (values.seeds) env.SIM_SEEDS = values.seeds;
if (values.seed) env.SIM_SEED = values.seed;
if (values.path) env.SIM_PATH = values.path;
if (values.log) env.SIM_LOG = '1';
const r = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', '--project', 'unit', 'packages/sync/src/__tests__/sim/sim.test.ts'], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
