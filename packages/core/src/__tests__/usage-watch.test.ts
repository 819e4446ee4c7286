import { describe, expect, it } from 'vitest';
import { createKernel, createStorage, indexLayer, memoryDriver, namespaceSettings, watchUsage } from '@stowage/core';
import type { UsageEvent } from '@stowage/core';

/** A value whose record is about `bytes` long (key and envelope overhead aside). */
const blob = (bytes: number): string => 'x'.repeat(bytes);

function watched(threshold: number) {
  const storage = createStorage({ broadcast: false, limits: { maxTotalBytes: 1000 } });
  const events: UsageEvent[] = [];
  const watch = watchUsage(storage, { threshold, onChange: (e) => events.push(e) });
  return { storage, events, watch };
}

describe('watchUsage', () => {
  it('fires once when usage of maxTotalBytes crosses the threshold upward, not again while above, and once when it falls back', async () => {
    const { storage, events, watch } = watched(0.5);
    await storage.set('a', blob(300));
    await watch.check();
    expect(events).toEqual([]);
    expect(watch.above).toBe(false);
    await storage.set('b', blob(300));
    await watch.check();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'usage', state: 'above', threshold: 0.5, basis: 'limit', of: 1000 });
    expect(events[0]!.usage).toBeGreaterThanOrEqual(0.5);
    expect(events[0]!.bytes).toBe(Math.round(events[0]!.usage * 1000));
    await storage.set('c', blob(10));
    await storage.set('a', blob(310));
    await watch.check();
    expect(events).toHaveLength(1); // still above: no repeat
    await storage.remove('b');
    await watch.check();
    expect(events.map((e) => e.state)).toEqual(['above', 'below']);
    expect(events[1]!.usage).toBeLessThan(0.5);
    await storage.set('b', blob(300));
    await watch.check();
    expect(events.map((e) => e.state)).toEqual(['above', 'below', 'above']);
  });

  it('a burst of writes across the threshold is one event; a first reading already above is one too', async () => {
    const { storage, events, watch } = watched(0.3);
    await Promise.all(Array.from({ length: 10 }, (_, i) => storage.set(`k${i}`, blob(60))));
    await watch.check();
    expect(events.map((e) => e.state)).toEqual(['above']);
    const late: UsageEvent[] = [];
    const second = watchUsage(storage, { threshold: 0.3, onChange: (e) => late.push(e) });
    await second.check();
    expect(late.map((e) => e.state)).toEqual(['above']);
    await storage.clear();
    await second.check();
    expect(late.map((e) => e.state)).toEqual(['above', 'below']);
    second.stop();
    await storage.setMany({ x: blob(400) });
    await second.check();
    expect(late).toHaveLength(2); // stopped
  });

  it('measures after changes by itself (no check()), a burst of writes coalescing into at most one more measurement', async () => {
    let measured = 0;
    const storage = createStorage({ broadcast: false, limits: { maxTotalBytes: 1000 }, estimate: async () => { measured++; return undefined; } });
    const events: UsageEvent[] = [];
    const watch = watchUsage(storage, { threshold: 0.5, onChange: (e) => events.push(e) });
    await watch.idle();
    expect(measured).toBe(1);
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.set(`k${i}`, blob(40))));
    await watch.idle();
    expect(events.map((e) => e.state)).toEqual(['above']);
    expect(measured).toBeLessThanOrEqual(3); // 20 change events: the first starts a measurement, the rest ask for one more
    await storage.clear();
    await watch.idle();
    expect(events.map((e) => e.state)).toEqual(['above', 'below']);
  });

  it('without a total limit it measures the origin quota estimate', async () => {
    let estimate = { usage: 100, quota: 1000 };
    const index = indexLayer();
    const kv = createKernel({ driver: memoryDriver(), layers: [index, namespaceSettings({ estimate: async () => estimate })] });
    const events: UsageEvent[] = [];
    const watch = watchUsage(kv, { threshold: 0.9, onChange: (e) => events.push(e) });
    await watch.check();
    expect(watch.last).toEqual({ usage: 0.1, bytes: 100, of: 1000, basis: 'quota' });
    estimate = { usage: 950, quota: 1000 };
    await kv.set('k', 1);
    await watch.check();
    expect(events).toEqual([{ type: 'usage', state: 'above', threshold: 0.9, usage: 0.95, bytes: 950, of: 1000, basis: 'quota' }]);
  });

  it('refuses a threshold outside (0, 1] and a missing listener, typed', () => {
    const storage = createStorage({ broadcast: false });
    for (const threshold of [0, -0.1, 1.5, Number.NaN, '0.5']) {
      expect(() => watchUsage(storage, { threshold: threshold as number, onChange: () => undefined })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(() => watchUsage(storage, { threshold: 0.5 } as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
