import type { Driver } from '../driver.js';
import type { Layer, Observation } from '../kernel/layer.js';
import { recordOf } from '../envelope.js';
import { metaOf } from '../kernel/records.js';
import { KeyIndex } from './key-index.js';

/** The key index as a layer: what limits, sweeps and `info()` read instead of the store. */
export interface IndexLayer extends Layer {
  readonly index: KeyIndex;
  /** Reads the namespace into the index once (again after {@link IndexLayer.invalidate}). */
  hydrate(d: Driver): Promise<void>;
  /** The index may be wrong (another tab imported, a swept record was rewritten): read it again on next need. */
  invalidate(): void;
}

/**
 * Keeps an in-memory directory of the namespace (sizes, timestamps, expiry), hydrated by one scan
 * before the first commit and kept current by every observed change, here and in other tabs. It
 * also keeps a key's `createdAt` across rewrites of the app's own writes.
 */
export function indexLayer(): IndexLayer {
  const index = new KeyIndex();
  let indexed = false;
  let dp = '';
  const hydrate = async (d: Driver): Promise<void> => {
    if (indexed) return;
    index.clear();
    for (const [k, raw] of await d.entries(dp)) {
      const key = k.slice(dp.length);
      index.set(key, metaOf(recordOf(key, raw))); // a foreign value: its JSON size, times 0
    }
    indexed = true;
  };
  return {
    name: 'index',
    index,
    hydrate,
    invalidate: () => {
      indexed = false;
    },
    setup: (ctx) => {
      dp = ctx.dp;
    },
    async commit(c, next) {
      await hydrate(c.driver);
      if (c.origin === 'local') {
        for (const x of c.changes) if (x.type === 'put') x.record.createdAt = index.get(x.key)?.createdAt || x.record.createdAt;
      }
      await next();
    },
    observe(o: Observation) {
      if (o.kind === 'changes') {
        // Another tab's changes only update an index that is complete; else the next hydrate reads them.
        if (o.wire && !indexed) return;
        for (const c of o.changes) {
          if (c.type === 'put') index.set(c.key, c.meta);
          else index.delete(c.key);
        }
      } else if (o.kind === 'clear') {
        index.clear();
        if (!o.wire) indexed = true;
      } else if (o.kind === 'import' && o.wire) indexed = false;
    },
  };
}
