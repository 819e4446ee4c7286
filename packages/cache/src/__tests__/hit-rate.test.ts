import { createStorage } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import { createCacheManager, withMemoryCache } from '../index.js';
import type { HitRateEvent } from '../index.js';

function cache(threshold: number, window: number) {
  const events: HitRateEvent[] = [];
  const manager = createCacheManager({ storage: createStorage({ broadcast: false }), hitRate: { threshold, window, onChange: (e) => events.push(e) } });
  return { manager, events };
}

/** `hits` gets of a cached key, `misses` gets of absent keys. */
async function gets(manager: ReturnType<typeof createCacheManager>, hits: number, misses: number): Promise<void> {
  for (let i = 0; i < hits; i++) await manager.get('hot');
  for (let i = 0; i < misses; i++) await manager.get(`cold-${i}`);
}

describe('cache hit-rate threshold', () => {
  test('judges only a full window, warns once when the rate over the last N gets falls below, once when it recovers', async () => {
    const { manager, events } = cache(0.5, 10);
    await manager.set('hot', 1);
    await gets(manager, 0, 9); // 9 misses: the window is not full yet
    expect(events).toEqual([]);
    expect(manager.getStats().recent).toEqual({ hitRate: 0, gets: 9, low: false });
    await gets(manager, 0, 1); // 10th get: 0 % of the last 10
    expect(events).toEqual([{ type: 'hit-rate', state: 'low', hitRate: 0, threshold: 0.5, window: 10 }]);
    await gets(manager, 4, 3); // still below (4 hits in the last 10): no repeat
    expect(events).toHaveLength(1);
    await gets(manager, 1, 0); // 5 hits in the last 10 = 50 %: recovered
    expect(events.map((e) => [e.state, e.hitRate])).toEqual([['low', 0], ['recovered', 0.5]]);
    await gets(manager, 20, 0);
    expect(events).toHaveLength(2); // stays recovered while above
    expect(manager.getStats().recent).toEqual({ hitRate: 1, gets: 10, low: false });
  });

  test('the window slides: old misses fall out, only the last N gets count', async () => {
    const { manager, events } = cache(0.8, 5);
    await manager.set('hot', 1);
    await gets(manager, 0, 5);
    expect(events.map((e) => e.state)).toEqual(['low']);
    await gets(manager, 3, 0); // last 5: miss miss hit hit hit = 60 %
    expect(events).toHaveLength(1);
    await gets(manager, 1, 0); // miss hit hit hit hit = 80 %
    expect(events.map((e) => [e.state, e.hitRate])).toEqual([['low', 0], ['recovered', 0.8]]);
    await gets(manager, 0, 1); // hit hit hit hit miss = 80 %: not below
    expect(events).toHaveLength(2);
    await gets(manager, 0, 1); // 60 %
    expect(events.map((e) => e.state)).toEqual(['low', 'recovered', 'low']);
  });

  test('a loader-filled miss counts as a miss, its later gets as hits; a throwing listener does not break the get', async () => {
    const manager = createCacheManager({ storage: createStorage({ broadcast: false }), hitRate: { threshold: 0.5, window: 2, onChange: () => { throw new Error('listener bug'); } } });
    const errors: unknown[] = [];
    const original = globalThis.reportError;
    globalThis.reportError = (e: unknown) => errors.push(e);
    try {
      expect(await manager.get('k', { loader: async () => 'v' })).toBe('v');
      expect(await manager.get('other', { loader: async () => 'w' })).toBe('w'); // 0 of 2: low, listener throws
      expect(errors).toHaveLength(1);
      expect(manager.getStats().recent).toEqual({ hitRate: 0, gets: 2, low: true });
      await manager.get('k');
      await manager.get('k');
      expect(manager.getStats().recent).toEqual({ hitRate: 1, gets: 2, low: false });
    } finally {
      globalThis.reportError = original;
    }
  });

  test('refuses a bad threshold, window or listener, typed', () => {
    const storage = createStorage({ broadcast: false });
    const bad = [
      { threshold: 0, onChange: () => undefined },
      { threshold: 1.2, onChange: () => undefined },
      { threshold: 0.5, window: 0, onChange: () => undefined },
      { threshold: 0.5, window: 2.5, onChange: () => undefined },
      { threshold: 0.5 },
      { threshold: 0.5, onChange: () => undefined, windowMs: 1000 },
    ];
    for (const hitRate of bad) expect(() => createCacheManager({ storage, hitRate: hitRate as never })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('withMemoryCache hit-rate threshold', () => {
  test('the memory tier warns when reads over the window mostly miss it, and when they recover', async () => {
    const events: HitRateEvent[] = [];
    const storage = withMemoryCache(createStorage({ broadcast: false }), { hitRate: { threshold: 0.5, window: 4, onChange: (e) => events.push(e) } });
    await storage.set('hot', 1);
    await storage.get('hot'); // miss: read from the storage, now held in memory
    await storage.getMany(['absent', 'hot', 'other']); // miss, hit, miss: 1 of 4
    expect(events.map((e) => [e.state, e.hitRate])).toEqual([['low', 0.25]]);
    expect(storage.recentHitRate()).toEqual({ hitRate: 0.25, gets: 4, low: true });
    await storage.get('hot'); // last 4: hit, miss, hit, miss... → absent, hot, other, hot = 2 of 4 = 50 %: recovered
    expect(events.map((e) => [e.state, e.hitRate])).toEqual([['low', 0.25], ['recovered', 0.5]]);
    await storage.get('hot');
    expect(events).toHaveLength(2);
    expect(withMemoryCache(createStorage({ broadcast: false })).recentHitRate()).toBeUndefined();
    expect(() => withMemoryCache(createStorage({ broadcast: false }), { hitRate: { threshold: 2, onChange: () => undefined } })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
