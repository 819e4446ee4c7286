import { createStorage } from '@stowage/core';
import type { Storage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalytics, instrument } from '../index.js';
import type { Analytics } from '../index.js';

const opened: (Storage | Analytics)[] = [];
const databases: string[] = [];
let seq = 0;

function newDb(): string {
  const name = `analytics-test-${Date.now()}-${++seq}`;
  databases.push(name);
  return name;
}

function open(dbName: string, prefix: string): Storage {
  const s = createStorage({ driver: indexedDbDriver({ dbName }), prefix });
  opened.push(s);
  return s;
}

/** One "page load": a data namespace and an analytics namespace in the same IndexedDB database. */
function page(dbName: string, o: { hashKeys?: boolean; pagehideTarget?: EventTarget } = {}): { analytics: Analytics; storage: Storage } {
  const analytics = createAnalytics({
    storage: open(dbName, 'analytics'),
    pagehideTarget: (o.pagehideTarget ?? false) as never,
    ...(o.hashKeys ? { hashKeys: true } : {}),
  });
  opened.push(analytics);
  return { analytics, storage: instrument(open(dbName, 'app'), analytics) };
}

afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
  for (const name of databases.splice(0)) {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  }
});

describe('analytics persisted in IndexedDB (real Chromium)', () => {
  it('a reload (new connections, new instances) reads the stats back and keeps adding', async () => {
    const db = newDb();
    const first = page(db);
    await first.analytics.ready();
    await first.storage.set('profile', { name: 'Ada', tags: ['x', 'y'] });
    for (let i = 0; i < 5; i++) await first.storage.get('profile');
    await first.storage.get('missing');
    await first.analytics.flush();
    const before = first.analytics.getStats();
    await first.analytics.close();

    const second = page(db);
    await second.analytics.ready();
    const after = second.analytics.getStats();
    expect(after).toMatchObject({ reads: 6, hits: 5, misses: 1, writes: 1 });
    expect(after.operations).toEqual(before.operations);
    expect(second.analytics.analyzeHotData().keys[0]).toMatchObject({ key: 'profile', accesses: 6 });
    await second.storage.get('profile');
    expect(second.analytics.getStats().reads).toBe(7);
    // The stats live in their own namespace: the app's keys are untouched.
    expect(await second.storage.keys()).toEqual(['profile']);
  });

  it('a real pagehide event flushes, with hashed keys only on disk', async () => {
    const db = newDb();
    const target = new EventTarget();
    const first = page(db, { hashKeys: true, pagehideTarget: target });
    await first.analytics.ready();
    await first.storage.set('user:ada@example.com', 1);
    const raw = open(db, 'analytics');
    expect(await raw.get('stats')).toBeUndefined(); // throttled: nothing written yet
    target.dispatchEvent(new Event('pagehide'));
    await expect.poll(() => raw.get('stats')).toBeDefined();
    expect(JSON.stringify(await raw.get('stats'))).not.toContain('ada@example.com');

    const second = page(db, { hashKeys: true });
    await second.analytics.ready();
    expect(second.analytics.getStats().writes).toBe(1);
    expect(second.analytics.analyzeHotData().keys).toHaveLength(1);
  });
});
