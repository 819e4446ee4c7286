// The LRU workload of @stowage/cache (issue 3) in the page: the very module the Node runner
// (packages/cache/bench/lru.bench.mjs) bundles, so both environments measure the same code and ops.
import { allContenders, compileLoop, makeWorkload } from '../../../../packages/cache/bench/lru-workload.js';
import type { Workload } from '../../../../packages/cache/bench/lru-workload.js';
import type { BenchGroup, MetricDef } from '../types.js';

const METRICS: MetricDef[] = [
  { key: 'run', label: 'ms per 1M ops', unit: 'ms', better: 'lower' },
  { key: 'hits', label: 'get hit rate', unit: '%', better: 'higher' },
];

/** LRU caches on 1M ops (90 % get / 10 % set), 10k Zipf-skewed keys, capacity 1k; one fresh cache per run. */
export function lruCacheGroup(id: string): BenchGroup {
  let workload: Workload | undefined;
  const shared = (): Workload => (workload ??= makeWorkload());
  return {
    id,
    title: 'LRU cache: 1M ops, 90 % get / 10 % set, 10k Zipf keys (s=1), capacity 1k',
    metrics: METRICS,
    // Seconds per round, and the figures swing with JIT and heap state: three rotated rounds.
    settings: { rounds: 3 },
    cases: allContenders.map((c) => ({
      name: `${c.name} (${c.ttl ? 'TTL' : 'no TTL'})`,
      setup() {
        const w = shared();
        const gets = w.kinds.reduce((n, k) => n + (k === 0 ? 1 : 0), 0);
        const loop = compileLoop(); // its own compiled loop: call sites stay monomorphic per contender
        const hits = loop(c.create(w.capacity), w);
        return { timed: { run: () => loop(c.create(w.capacity), w) }, facts: { hits: (100 * hits) / gets } };
      },
    })),
  };
}
