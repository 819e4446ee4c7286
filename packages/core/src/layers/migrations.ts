import type { Driver } from '../driver.js';
import { StowageError } from '../errors.js';
import type { KernelContext, Layer } from '../kernel/layer.js';
import { checkFailed, sameVersion } from '../kernel/records.js';
import { serializeValue } from '../serialize.js';
import type { Migration, MigrationStep } from '../storage-types.js';
import { checkSchema } from '../validate.js';
import { failOpenRun, openSchema } from './migration-log.js';
import type { Opened } from './migration-log.js';

/** Options of {@link migrationsLayer}. */
export interface MigrationsOptions {
  /** Current app schema version of values. @default 1 */
  schemaVersion?: number;
  /** `migrations[n]`: upgrades a value from version n-1 to n (a function), or `{ up, down }`. */
  migrations?: Readonly<Record<number, Migration>>;
  /** Take an automatic backup before a schema change touches the first record. @default true */
  backup?: boolean;
}

/** The migrations layer, with what `migrate()` and `migrationHistory()` need of it. */
export interface MigrationsLayer extends Layer {
  readonly schemaVersion: number;
  readonly backup: boolean;
  /** Runs the migrations from version `from` up to the current one. */
  upgrade(key: string, value: unknown, from: number): Promise<unknown>;
  /** Converts a value from version `from` to `to`: `up` steps, or `down` steps when `to` is lower. */
  convert(key: string, value: unknown, from: number, to: number): Promise<unknown>;
  /** The versions in `(to, schemaVersion]` whose migration has no `down` step (empty: a downgrade to `to` can run). */
  missingDown(to: number): number[];
  /** Records the upgrade event if this storage is the first with its version to open the namespace (once per storage). */
  open(d: Driver): Promise<Opened>;
  /** A `migrate()` down is rewriting records (`true`): reads do not write upgrades back meanwhile. */
  pause(paused: boolean): void;
  /** The namespace was migrated down to `version`: this storage refuses reads and writes from now on. */
  downgraded(version: number): void;
}

const up = (m: Migration | undefined): MigrationStep | undefined => (typeof m === 'function' ? m : m?.up);

function checkMigrations(migrations: Readonly<Record<number, Migration>>, schema: number): void {
  for (const [v, m] of Object.entries(migrations)) {
    const shaped = typeof m === 'function' || (typeof m === 'object' && m !== null && typeof m.up === 'function' && (m.down === undefined || typeof m.down === 'function'));
    if (!(Number(v) >= 1 && Number(v) <= schema) || !shaped) {
      throw new StowageError('invalid-argument', `migrations[${v}] must be a function or { up, down? } of functions, for a version from 1 to schemaVersion (${schema})`);
    }
  }
}

/** A record newer than this storage's schema: not handed to code that does not know its shape. */
function newerError(key: string, s: number, schema: number): StowageError {
  return new StowageError('conflict', `"${key}" holds schema ${s}, newer than this storage's ${schema}: open it with schemaVersion ${s}, or migrate it down`, {
    details: { reason: 'schema-newer', key, schema: s, schemaVersion: schema },
  });
}

/**
 * Schema versions of values: every write is stamped with the app's current version; a read of an
 * older record (or of a foreign value, written before Stowage: version 0) runs the migrations on
 * the way out and writes the upgrade back in the background, only if the record is still the one
 * read. Before the first upgrade is written, the namespace records the upgrade event (with an
 * automatic backup, see `migrationHistory`). A record stamped with a higher version than this
 * storage's is refused on read (`conflict`, `reason: 'schema-newer'`); writes stay allowed and are
 * stamped with this storage's version, which the newer app upgrades on read like any older record.
 *
 * @example
 * const kv = createKernel({ driver, layers: [migrationsLayer({ schemaVersion: 2, migrations: { 2: { up: (v) => ({ ...v, tags: [] }), down: ({ tags, ...v }) => v } } })] });
 */
export function migrationsLayer(o: MigrationsOptions = {}): MigrationsLayer {
  const schema = o.schemaVersion ?? 1;
  checkSchema(schema, 'schemaVersion');
  const migrations = o.migrations ?? {};
  checkMigrations(migrations, schema);
  const backup = o.backup !== false;
  let ctx: KernelContext;
  let opened: Promise<Opened> | undefined;
  let paused = false;
  let failureLogged = false;
  let downgradedTo: number | undefined;
  const step = async (key: string, v: unknown, fn: MigrationStep, from: number, to: number): Promise<unknown> => {
    try {
      return await fn(v, { key, from, to });
    } catch (e) {
      throw new StowageError('decode-failed', `migration ${to > from ? 'to' : 'down from'} schema ${to > from ? to : from} failed for "${key}"`, { cause: e, details: { key, from, to } });
    }
  };
  const convert = async (key: string, value: unknown, from: number, to: number): Promise<unknown> => {
    let v = value;
    for (let n = from + 1; n <= to; n++) {
      const fn = up(migrations[n]);
      if (fn) v = await step(key, v, fn, n - 1, n);
    }
    for (let n = from; n > to; n--) {
      const m = migrations[n];
      if (m === undefined) continue; // this version changed no value
      if (typeof m === 'function' || !m.down) throw new StowageError('invalid-argument', `migrations[${n}] has no down step`, { details: { key, missing: [n] } });
      v = await step(key, v, m.down, n, n - 1);
    }
    return v;
  };
  const downgradedError = (key: string): StowageError =>
    new StowageError('conflict', `namespace "${ctx.prefix}" was migrated down to schema ${downgradedTo}: open it with schemaVersion ${downgradedTo}`, {
      details: { reason: 'downgraded', key, schema: downgradedTo, schemaVersion: schema },
    });
  const layer: MigrationsLayer = {
    name: 'migrations',
    schemaVersion: schema,
    backup,
    upgrade: (key, value, from) => convert(key, value, from, schema),
    convert,
    missingDown: (to) => {
      const missing: number[] = [];
      for (let n = to + 1; n <= schema; n++) {
        const m = migrations[n];
        if (m !== undefined && (typeof m === 'function' || !m.down)) missing.push(n);
      }
      return missing;
    },
    open(d) {
      opened ??= openSchema(ctx, d, schema, backup).catch((e: unknown) => {
        opened = undefined; // e.g. quota for the backup: the next upgrade tries again
        throw e;
      });
      return opened;
    },
    pause(p) {
      paused = p;
    },
    downgraded(version) {
      downgradedTo = version;
    },
    setup(c) {
      ctx = c;
    },
    check(put) {
      if (downgradedTo !== undefined) throw downgradedError(put.key);
    },
    prepare(_put, r) {
      r.s = schema;
    },
    needsDecode: (r) => r.s !== schema || downgradedTo !== undefined,
    async decode(key, record, raw, next, options) {
      if (options.migrate === false) return next();
      if (downgradedTo !== undefined) throw downgradedError(key);
      if (record.s > schema) throw newerError(key, record.s, schema);
      const value = await next();
      if (record.s === schema) return value;
      let upgraded: unknown;
      try {
        upgraded = await layer.upgrade(key, value, record.s);
      } catch (e) {
        // The history says the upgrade failed (once per storage); the record stays as it was.
        if (!failureLogged) {
          failureLogged = true;
          ctx.background('migrate', async (d) => {
            await layer.open(d);
            await failOpenRun(ctx, d, schema, e);
          });
        }
        throw e;
      }
      ctx.background('migrate', async (driver) => {
        const { state } = await layer.open(driver); // the upgrade event and its backup come before the first upgraded record
        if (paused || downgradedTo !== undefined || state.version > schema) return;
        const next = await ctx.encode({ key, value: serializeValue(upgraded, key), options: undefined, codecsOf: record, times: record });
        try {
          await ctx.commit({ driver, origin: 'migrate', changes: [{ type: 'put', key, record: next }], before: [{ type: 'check', key: ctx.dp + key, test: sameVersion(raw) }], after: [] });
        } catch (e) {
          if (!checkFailed(e)) throw e; // else rewritten meanwhile; the next read upgrades what is there now
        }
      });
      return upgraded;
    },
  };
  return layer;
}
