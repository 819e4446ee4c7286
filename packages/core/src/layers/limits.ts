import type { DriverOp } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import type { Change, KernelContext, Layer } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { utf8Length } from '../serialize.js';
import { checkDuration } from '../validate.js';
import type { IndexLayer } from './index-layer.js';
import { stillExpired, sweepExpired } from './sweep.js';

const MB = 1024 * 1024;

/** Options of {@link limitsLayer}. */
export interface LimitsOptions {
  /** Largest record (UTF-8 key + stored payload). @default 1048576 (1 MB, as mini-programs) */
  maxValueBytes?: number;
  /** Largest namespace. @default 10485760 (10 MB, as mini-programs) */
  maxTotalBytes?: number;
  /** The namespace's sizes: needed for the total limit. */
  index: IndexLayer;
  /** A compression codec may shrink values: their size is known only once encoded. */
  compression?: boolean;
}

/** The limits layer, with the limits it enforces. */
export interface LimitsLayer extends Layer {
  readonly maxValueBytes: number;
  readonly maxTotalBytes: number;
}

/**
 * Byte limits as mini-programs have them: per record and per namespace. A write that would go
 * over the total first makes room by deleting expired records in the same transaction; a driver
 * that runs out of quota gets one sweep and one retry. Rewrites (re-encoding, schema upgrades)
 * only meet the per-record limit.
 *
 * @example
 * const index = indexLayer();
 * const kv = createKernel({ driver, layers: [index, limitsLayer({ index, maxTotalBytes: 5 * 1024 * 1024 })] });
 */
export function limitsLayer(o: LimitsOptions): LimitsLayer {
  const maxValue = o.maxValueBytes ?? MB;
  const maxTotal = o.maxTotalBytes ?? 10 * MB;
  checkDuration(maxValue, 'limits.maxValueBytes');
  checkDuration(maxTotal, 'limits.maxTotalBytes');
  const { index } = o.index;
  let ctx: KernelContext;
  const checkSize = (key: string, size: number): void => {
    if (size > maxValue) {
      throw new StowageError('too-large', `"${key}" needs ${size} bytes, over the per-key limit of ${maxValue}`, { details: { key, size, limit: maxValue } });
    }
  };
  /** Bytes the namespace grows by with `changes`. */
  const growth = (changes: readonly Change[]): number => {
    const after = new Map<string, number>();
    let delta = 0;
    for (const c of changes) {
      const size = c.type === 'put' ? c.record.size : 0;
      delta += size - (after.get(c.key) ?? index.get(c.key)?.size ?? 0);
      after.set(c.key, size);
    }
    return delta;
  };
  return {
    name: 'limits',
    maxValueBytes: maxValue,
    maxTotalBytes: maxTotal,
    setup(c) {
      ctx = c;
    },
    check({ key, value, options }) {
      // Without compression the stored size is known now: fail before any work.
      if (!o.compression || options?.compress === false) checkSize(key, utf8Length(key) + value.bytes);
    },
    async commit(c, next) {
      for (const x of c.changes) if (x.type === 'put') checkSize(x.key, x.record.size);
      if (c.clear || c.origin === 'reencode' || c.origin === 'migrate') return next();
      let need = growth(c.changes);
      let sweep: DriverOp[] = [];
      if (need > 0 && index.bytes + need > maxTotal) {
        // Quota pressure: expired records go first, in the same transaction.
        const now = ctx.clock.now();
        const touched = new Set(c.changes.map((x) => x.key));
        const gone: Change[] = index.expired(now).filter(([k]) => !touched.has(k)).map(([key]) => ({ type: 'delete', key, reason: 'expired' }));
        sweep = stillExpired(ctx.dp, gone, now);
        c.changes.unshift(...gone);
        c.before.push(...sweep);
        need = growth(c.changes);
        if (need > 0 && index.bytes + need > maxTotal) {
          throw new StowageError('quota-exceeded', `namespace "${ctx.prefix}" would exceed its ${maxTotal} byte limit`, {
            details: { limit: maxTotal, used: index.bytes, need },
          });
        }
      }
      try {
        await next();
      } catch (e) {
        // A swept record another tab rewrote: the index was wrong about it; read it again.
        if (checkFailed(e) && sweep.some((op) => op.key === e.details.key)) o.index.invalidate();
        if (toStowageError(e, 'write').code !== 'quota-exceeded' || (await sweepExpired(ctx, c.driver, o.index)) === 0) throw e;
        await next(); // the browser's quota: expired records made room
      }
    },
  };
}
