import { StowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { KernelContext } from '../kernel/layer.js';
import { readState, startRun } from '../layers/migration-log.js';
import { endRun, readRuns, runError } from './migration-runs.js';
import type { MigrationsLayer } from '../layers/migrations.js';
import { serializeValue } from '../serialize.js';
import type { MigrateOptions, MigrationRun } from '../storage-types.js';
import { checkOptions } from '../validate.js';
import { rewrite } from './rewrite.js';
import { liveRecords } from '../layers/snapshot.js';

function migrationsOf(ctx: KernelContext, what: string): MigrationsLayer {
  const m = ctx.layer<MigrationsLayer>('migrations');
  if (!m) throw new StowageError('invalid-argument', `${what} needs a storage with the migrations layer`);
  return m;
}

/**
 * Rewrites every record to schema version `to` (default: the storage's `schemaVersion`), page by
 * page (see `rewrite`): older records through the `up` steps, and for a `to` below
 * `schemaVersion` every record through the `down` steps. Each run is in the history with the
 * backup taken before it; a step that throws ends the run `failed` (records of the pages before
 * stay rewritten, readable by this storage) and rejects. After a downgrade the namespace is at
 * `to` and this storage refuses reads and writes: open it with `schemaVersion: to`.
 */
export async function migrate(storage: Storage, options?: MigrateOptions): Promise<number> {
  const ctx = contextOf(storage);
  checkOptions(options, ['to', 'batchSize', 'onProgress'], 'migrate');
  const m = migrationsOf(ctx, 'migrate()');
  const schema = m.schemaVersion;
  const to = options?.to ?? schema;
  if (!Number.isSafeInteger(to) || to < 1 || to > schema) {
    throw new StowageError('invalid-argument', `migrate to must be an integer from 1 to schemaVersion (${schema})`, { details: { to } });
  }
  const missing = m.missingDown(to);
  if (missing.length > 0) {
    throw new StowageError('invalid-argument', `migrate down to ${to} needs a down step in migrations[${missing.join('], migrations[')}]`, { details: { to, missing } });
  }
  const run = await ctx.exclusive('migrate', async (d) => {
    const opened = await m.open(d);
    const state = (await readState(d, ctx.prefix)) ?? opened.state; // fresh: an earlier run of this storage moved it on
    if (state.version > schema) {
      throw new StowageError('conflict', `namespace "${ctx.prefix}" is at schema ${state.version}, newer than this storage's ${schema}`, { details: { reason: 'schema-newer', schema: state.version, schemaVersion: schema } });
    }
    const pending = (await liveRecords(ctx, d)).filter(([, r]) => r.s !== to);
    if (pending.length === 0 && to === schema) return undefined; // nothing to do is not a run
    // Up: from the oldest record it upgrades; down: from the version the namespace is at.
    const from = to === schema ? pending.reduce((min, [, r]) => Math.min(min, r.s), schema) : state.version;
    // The upgrade event of this very call took its backup a moment ago: no second copy of the same records.
    const recorded = opened.recorded;
    const fresh = recorded?.backupId !== undefined && Number(recorded.id) === state.runs;
    return startRun(ctx, d, state, m.backup && !fresh, { from, to, trigger: 'migrate', startedAt: ctx.clock.now(), records: 0, status: 'running', ...(fresh ? { backupId: recorded!.backupId! } : {}) });
  });
  if (!run) return 0;
  if (to < schema) m.pause(true);
  let done = 0;
  const onProgress = (n: number): void => {
    done = n;
    options?.onProgress?.(n);
  };
  try {
    const count = await rewrite(ctx, 'migrate', (r) => r.s !== to, async (key, r) => {
      const value = await m.convert(key, await ctx.decode(key, r, undefined, { migrate: false }), r.s, to);
      const next = await ctx.encode({ key, value: serializeValue(value, key), options: undefined, codecsOf: r, times: r });
      next.s = to;
      return next;
    }, options?.batchSize, onProgress);
    await ctx.exclusive('migrate', (d) => endRun(ctx, d, run, { status: 'done', records: count }, to < schema ? to : undefined));
    if (to < schema) m.downgraded(to);
    return count;
  } catch (e) {
    await ctx.exclusive('migrate', (d) => endRun(ctx, d, run, { status: 'failed', records: done, error: runError(e) })).catch(() => undefined);
    throw e;
  } finally {
    m.pause(false);
  }
}

/**
 * The schema changes of the namespace, oldest first: upgrade events (a storage opened it with a
 * higher `schemaVersion`) and `migrate()` runs, each with its versions, storage-clock times,
 * record count, backup id and outcome. Asking records the upgrade event of this storage if it is
 * the first with its version to see the namespace.
 */
export async function migrationHistory(storage: Storage): Promise<MigrationRun[]> {
  const ctx = contextOf(storage);
  const m = migrationsOf(ctx, 'migrationHistory()');
  return ctx.exclusive('migrationHistory', async (d) => {
    await m.open(d);
    return readRuns(d, ctx.prefix);
  });
}
