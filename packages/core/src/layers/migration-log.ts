import type { Driver, DriverOp } from '../driver.js';
import { toStowageError } from '../errors.js';
import type { KernelContext } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { backupOps, liveRecords, snapshot } from './snapshot.js';
import { migrationsPrefix } from '../reserved-keys.js';
import type { MigrationRun } from '../storage-types.js';

/**
 * What the namespace remembers of its schema (`\0migrations/{prefix}/state`): the version it was
 * last opened (or migrated) at, and how many runs its history holds (the next run's id).
 */
export interface SchemaState {
  readonly version: number;
  readonly runs: number;
}

/** Key of a namespace's {@link SchemaState}. */
export const stateKey = (prefix: string): string => `${migrationsPrefix(prefix)}state`;
/** Key of run `id` of a namespace's migration history. */
export const runKey = (prefix: string, id: string): string => `${migrationsPrefix(prefix)}log/${id}`;
const runId = (n: number): string => String(n).padStart(6, '0');

function isState(v: unknown): v is SchemaState {
  return typeof v === 'object' && v !== null && Number.isSafeInteger((v as SchemaState).version) && Number.isSafeInteger((v as SchemaState).runs);
}

/** The stored state, or `undefined` for a namespace that never recorded one (new, or older than the history). */
export async function readState(d: Driver, prefix: string): Promise<SchemaState | undefined> {
  const v = await d.get(stateKey(prefix));
  return isState(v) ? v : undefined;
}

/** A check op: the state is still `seen` (another tab recording a run meanwhile fails the batch). */
function stateUnchanged(prefix: string, seen: SchemaState | undefined): DriverOp {
  const text = JSON.stringify(seen);
  return { type: 'check', key: stateKey(prefix), test: (v) => JSON.stringify(isState(v) ? v : undefined) === text };
}

/**
 * Starts a run in one atomic batch: the automatic backup (when `backup` and the namespace has
 * records), the run, the state with one more run (and `version`, when given). Fails with a
 * check failure when another tab changed the state since `seen` was read.
 */
export async function startRun(
  ctx: KernelContext, d: Driver, seen: SchemaState | undefined, backup: boolean,
  run: Omit<MigrationRun, 'id'>, version = seen?.version ?? run.from,
): Promise<MigrationRun> {
  const b = backup ? await backupOps(ctx, d, await snapshot(ctx, d, false)) : { ops: [] };
  const runs = (seen?.runs ?? 0) + 1;
  const full: MigrationRun = { ...run, id: runId(runs), ...(b.id !== undefined ? { backupId: b.id } : {}) };
  const state: SchemaState = { version, runs };
  await d.batch([stateUnchanged(ctx.prefix, seen), ...b.ops, { type: 'put', key: runKey(ctx.prefix, full.id), value: full }, { type: 'put', key: stateKey(ctx.prefix), value: state }]);
  return full;
}

/** What {@link openSchema} found: the state, and the run it recorded if this call recorded one. */
export interface Opened {
  readonly state: SchemaState;
  readonly recorded?: MigrationRun;
}

/**
 * A storage with schema version `schema` opens the namespace: when the namespace was at a lower
 * version, that is an upgrade event — a backup (unless `backup` is false), an `'open'` run in the
 * history and the new version, in one batch. A namespace with no state yet is taken to be at the
 * highest version its records hold (the version of the last app that wrote it), or at `schema`
 * when empty. A namespace at a higher version is left as it is (the caller refuses what it must).
 */
export async function openSchema(ctx: KernelContext, d: Driver, schema: number, backup: boolean): Promise<Opened> {
  for (let attempt = 0; ; attempt++) {
    const seen = await readState(d, ctx.prefix);
    if (seen && seen.version >= schema) return { state: seen };
    const records = seen ? [] : await liveRecords(ctx, d);
    const version = seen?.version ?? (records.length > 0 ? records.reduce((max, [, r]) => Math.max(max, r.s), 0) : schema);
    try {
      if (version > schema) return { state: { version, runs: 0 } };
      if (version === schema) {
        const state: SchemaState = { version, runs: 0 };
        await d.batch([stateUnchanged(ctx.prefix, seen), { type: 'put', key: stateKey(ctx.prefix), value: state }]);
        return { state };
      }
      const older = (seen ? await liveRecords(ctx, d) : records).filter(([, r]) => r.s < schema).length;
      const now = ctx.clock.now();
      const run = await startRun(ctx, d, seen, backup, { from: version, to: schema, trigger: 'open', startedAt: now, finishedAt: now, records: older, status: 'done' }, schema);
      return { state: { version: schema, runs: Number(run.id) }, recorded: run };
    } catch (e) {
      if (!checkFailed(e) || attempt >= 3) throw e; // else another tab recorded it meanwhile: read again
    }
  }
}

/** Marks the newest run failed if it is the `'open'` run to `schema` (a record failed to upgrade on read). */
export async function failOpenRun(ctx: KernelContext, d: Driver, schema: number, e: unknown): Promise<void> {
  const state = await readState(d, ctx.prefix);
  const key = runKey(ctx.prefix, runId(state?.runs ?? 0));
  const last = (await d.get(key)) as MigrationRun | undefined;
  if (last && last.trigger === 'open' && last.to === schema && last.status === 'done') {
    const err = toStowageError(e, 'migrate');
    const error = { code: err.code, message: err.message, ...(typeof err.details.key === 'string' ? { key: err.details.key } : {}) };
    await d.batch([{ type: 'put', key, value: { ...last, status: 'failed', error } }]);
  }
}
