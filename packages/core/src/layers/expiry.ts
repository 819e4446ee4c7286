import { StowageError, toStowageError } from '../errors.js';
import type { KernelContext, Layer } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { checkDuration } from '../validate.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { IndexLayer } from './index-layer.js';
import { stillExpired, sweepExpired } from './sweep.js';

/** Options of {@link expiryLayer}. */
export interface ExpiryOptions {
  /** TTL in ms applied when `set` gives none. @default undefined (no expiry) */
  defaultTtl?: number;
  /** Sweep expired keys every this many ms. @default undefined (only lazily and by `sweep()`) */
  sweepInterval?: number;
  /** Where sweeps find expired keys without reading the namespace. */
  index?: IndexLayer;
}

/** Expiry as a layer, with the sweep it runs. */
export interface ExpiryLayer extends Layer {
  readonly defaultTtl: number | undefined;
  /** Deletes expired keys now; resolves to how many. */
  sweep(): Promise<number>;
}

/**
 * Per-key TTL: the `ttl` / `expiresAt` options of `set` (and a default TTL), deletion of an
 * expired record found by a read (in the background, only if it is still that record), and
 * sweeps on demand or on an interval. Reads of expired records as absent is the kernel's: the
 * envelope carries `expiresAt` in clear.
 *
 * @example
 * const kv = createKernel({ driver, layers: [expiryLayer({ defaultTtl: 60_000 })] });
 * await kv.set('session', token, { ttl: 5 * 60_000 });
 */
export function expiryLayer(o: ExpiryOptions = {}): ExpiryLayer {
  if (o.defaultTtl !== undefined) checkDuration(o.defaultTtl, 'defaultTtl');
  if (o.sweepInterval !== undefined) checkDuration(o.sweepInterval, 'sweepInterval');
  let ctx: KernelContext;
  let timer: unknown;
  const sweep = (): Promise<number> => ctx.exclusive('cleanExpired', (d) => sweepExpired(ctx, d, o.index));
  return {
    name: 'expiry',
    setOptions: ['ttl', 'expiresAt'],
    defaultTtl: o.defaultTtl,
    sweep,
    setup(c) {
      ctx = c;
      const every = o.sweepInterval;
      if (every === undefined) return;
      const tick = (): void => {
        timer = ctx.clock.setTimeout(() => {
          if (ctx.closed) return;
          void sweep()
            .catch((e: unknown) => ctx.emit({ type: 'error', operation: 'sweep', error: toStowageError(e, 'sweep') }))
            .finally(() => !ctx.closed && tick());
        }, every);
      };
      tick();
    },
    check({ key, options }) {
      if (options?.ttl !== undefined && options.ttl !== null) checkDuration(options.ttl, 'ttl');
      if (options?.expiresAt !== undefined && (typeof options.expiresAt !== 'number' || !Number.isFinite(options.expiresAt))) {
        throw new StowageError('invalid-argument', 'expiresAt must be epoch milliseconds', { details: { key } });
      }
    },
    prepare(put, r) {
      if (put.times) return; // a rewrite or an import keeps the expiry it had
      const ttl = put.options?.ttl === null ? undefined : (put.options?.ttl ?? o.defaultTtl);
      const expiresAt = put.options?.expiresAt ?? (ttl === undefined ? undefined : r.updatedAt + ttl);
      if (expiresAt !== undefined) r.expiresAt = expiresAt;
    },
    expired(key, _raw, now) {
      ctx.background('expire', async (driver) => {
        const changes = [{ type: 'delete', key, reason: 'expired' } as const];
        try {
          await ctx.commit({ driver, origin: 'local', changes, before: stillExpired(ctx.dp, changes, now), after: [] });
        } catch (e) {
          if (!checkFailed(e)) throw e; // else rewritten meanwhile (here or in another tab)
        }
      });
    },
    close() {
      ctx.clock.clearTimeout(timer);
    },
  };
}

/** Deletes the expired keys of a storage with the expiry layer now; resolves to how many. */
export async function cleanExpired(storage: Storage): Promise<number> {
  const expiry = contextOf(storage).layer<ExpiryLayer>('expiry');
  if (!expiry) throw new StowageError('invalid-argument', 'cleanExpired() needs a storage with the expiry layer');
  return expiry.sweep();
}
