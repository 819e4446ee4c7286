import type { Driver, DriverOp } from '../driver.js';
import { toStowageError } from '../errors.js';
import type { KernelContext } from '../kernel/layer.js';
import { readState, runKey, stateKey } from '../layers/migration-log.js';
import { migrationsPrefix } from '../reserved-keys.js';
import type { MigrationRun } from '../storage-types.js';

// The parts of the migration history only `migrate()` and `migrationHistory()` need (a lazy
// chunk); the read path records its upgrade events with layers/migration-log.ts.

/** Every run, oldest first. */
export async function readRuns(d: Driver, prefix: string): Promise<MigrationRun[]> {
  return (await d.entries(`${migrationsPrefix(prefix)}log/`)).map(([, v]) => v as MigrationRun);
}

/** Ends a run (`done` or `failed`), optionally moving the namespace's version (a downgrade). */
export async function endRun(ctx: KernelContext, d: Driver, run: MigrationRun, end: Pick<MigrationRun, 'status' | 'records' | 'error'>, version?: number): Promise<MigrationRun> {
  const done: MigrationRun = { ...run, ...end, finishedAt: ctx.clock.now() };
  const ops: DriverOp[] = [{ type: 'put', key: runKey(ctx.prefix, run.id), value: done }];
  if (version !== undefined) {
    const state = await readState(d, ctx.prefix);
    ops.push({ type: 'put', key: stateKey(ctx.prefix), value: { version, runs: state?.runs ?? Number(run.id) } });
  }
  await d.batch(ops);
  return done;
}

/** The `error` of a run, from what a step threw. */
export function runError(e: unknown): NonNullable<MigrationRun['error']> {
  const err = toStowageError(e, 'migrate');
  const key = err.details.key;
  return { code: err.code, message: err.message, ...(typeof key === 'string' ? { key } : {}) };
}

