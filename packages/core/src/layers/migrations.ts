import { StowageError } from '../errors.js';
import type { KernelContext, Layer } from '../kernel/layer.js';
import { checkFailed, sameVersion } from '../kernel/records.js';
import { serializeValue } from '../serialize.js';
import type { Migration } from '../storage-types.js';
import { checkSchema } from '../validate.js';

/** Options of {@link migrationsLayer}. */
export interface MigrationsOptions {
  /** Current app schema version of values. @default 1 */
  schemaVersion?: number;
  /** `migrations[n]` upgrades a value from version n-1 to n. */
  migrations?: Readonly<Record<number, Migration>>;
}

/** The migrations layer, with what `migrate()` needs of it. */
export interface MigrationsLayer extends Layer {
  readonly schemaVersion: number;
  /** Runs the migrations from version `from` up to the current one. */
  upgrade(key: string, value: unknown, from: number): Promise<unknown>;
}

/**
 * Schema versions of values: every write is stamped with the app's current version; a read of an
 * older record (or of a foreign value, written before Stowage: version 0) runs the migrations on
 * the way out and writes the upgrade back in the background, only if the record is still the one
 * read.
 *
 * @example
 * const kv = createKernel({ driver, layers: [migrationsLayer({ schemaVersion: 2, migrations: { 2: (v) => ({ ...v, tags: [] }) } })] });
 */
export function migrationsLayer(o: MigrationsOptions = {}): MigrationsLayer {
  const schema = o.schemaVersion ?? 1;
  checkSchema(schema, 'schemaVersion');
  const migrations = o.migrations ?? {};
  for (const [v, fn] of Object.entries(migrations)) {
    if (!(Number(v) >= 1 && Number(v) <= schema) || typeof fn !== 'function') {
      throw new StowageError('invalid-argument', `migrations[${v}] must be a function for a version from 1 to schemaVersion (${schema})`);
    }
  }
  let ctx: KernelContext;
  const upgrade = async (key: string, value: unknown, from: number): Promise<unknown> => {
    let v = value;
    for (let to = from + 1; to <= schema; to++) {
      const m = migrations[to];
      if (!m) continue;
      try {
        v = await m(v, { key, from: to - 1, to });
      } catch (e) {
        throw new StowageError('decode-failed', `migration to schema ${to} failed for "${key}"`, { cause: e, details: { key, to } });
      }
    }
    return v;
  };
  return {
    name: 'migrations',
    schemaVersion: schema,
    upgrade,
    setup(c) {
      ctx = c;
    },
    prepare(_put, r) {
      r.s = schema;
    },
    needsDecode: (r) => r.s < schema,
    async decode(key, record, raw, next, options) {
      const value = await next();
      if (options.migrate === false || record.s >= schema) return value;
      const upgraded = await upgrade(key, value, record.s);
      ctx.background('migrate', async (driver) => {
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
}
