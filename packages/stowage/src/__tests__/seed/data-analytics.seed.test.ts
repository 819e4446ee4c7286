// Seed 001, "数据使用统计": the seed's DataAnalytics unchanged over its StorageManager over Stowage's
// mini API; then the same questions asked of Stowage's createAnalytics, which counts by itself.
import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, memoryLocks } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { createAnalytics, instrument } from '@stowage/analytics';
import dataAnalyticsJs from './fixtures/dataAnalytics.js?raw';
import storageJs from './fixtures/storage.js?raw';
import { seedWorld, settle } from './seed-runtime.js';

interface SeedAnalytics {
  recordRead(key: string, source?: string): void;
  recordWrite(key: string, size?: number): void;
  recordDelete(key: string): void;
  recordCacheHit(key: string): void;
  recordCacheMiss(key: string): void;
  getStats(): Record<string, unknown>;
  getOperationHistory(limit?: number): { type: string; key: string }[];
  analyzeHotData(): { key: string; reads: number; writes: number; totalAccess: number }[];
  generateReport(): { summary: unknown; hotData: unknown[]; recentOperations: unknown[]; generatedAt: string };
  resetStats(): void;
}

async function open(driver: Driver) {
  const world = seedWorld({ driver });
  await world.mini.ready();
  world.run('storage.js', storageJs);
  return { world, analytics: world.run('dataAnalytics.js', dataAnalyticsJs) as SeedAnalytics };
}

describe('seed 001: DataAnalytics, unchanged over createMiniStorage', () => {
  it('counts, hit rate, history, hot data and the report; the stats survive a reload; reset clears them', async () => {
    const driver = memoryDriver();
    const { world, analytics } = await open(driver);
    analytics.recordRead('userInfo', 'local');
    analytics.recordRead('userInfo', 'memory');
    analytics.recordWrite('settings', 120);
    analytics.recordDelete('temp_data');
    analytics.recordCacheHit('userInfo');
    analytics.recordCacheMiss('posts');
    analytics.recordCacheHit('userInfo');
    expect(analytics.getStats()).toEqual({ reads: 2, writes: 1, deletes: 1, cacheHits: 2, cacheMisses: 1, cacheHitRate: '66.67%', totalOperations: 4 });
    expect(analytics.getOperationHistory(2).map((o) => [o.type, o.key])).toEqual([['cache_hit', 'userInfo'], ['cache_miss', 'posts']]);
    expect(analytics.analyzeHotData()[0]).toMatchObject({ key: 'userInfo', reads: 2, totalAccess: 2 });
    const report = analytics.generateReport();
    expect(report.recentOperations).toHaveLength(7);
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
    await settle(world.mini);

    const reloaded = await open(driver);
    expect(reloaded.analytics.getStats()).toMatchObject({ reads: 2, cacheHits: 2, totalOperations: 4 });
    reloaded.analytics.resetStats();
    expect(reloaded.analytics.getStats()).toMatchObject({ reads: 0, totalOperations: 0, cacheHitRate: '0%' });
    expect(reloaded.analytics.getOperationHistory()).toEqual([]);
    await settle(reloaded.world.mini);
  });
});

describe("seed 001's DataAnalytics questions on Stowage's createAnalytics (the one-line mapping)", () => {
  it('record* calls are not needed: instrument() counts reads, hits, misses, writes and deletes of the storage', async () => {
    const analytics = createAnalytics({ storage: createStorage({ driver: memoryDriver(), prefix: 'analytics', broadcast: false }), locks: memoryLocks(), pagehideTarget: false });
    await analytics.ready();
    const storage = instrument(createStorage({ broadcast: false }), analytics);
    await storage.set('settings', { theme: 'dark' }); // seed: recordWrite('settings', size)
    await storage.get('settings'); // seed: recordRead + recordCacheHit
    await storage.get('posts'); // seed: recordRead + recordCacheMiss
    await storage.remove('settings'); // seed: recordDelete
    const dataAnalytics = {
      getStats: () => analytics.getStats(), // hitRate is 0–1 (seed: '50.00%')
      getOperationHistory: (limit = 100) => analytics.getOperationHistory(limit),
      analyzeHotData: () => analytics.analyzeHotData().keys,
      generateReport: () => analytics.generateReport(),
      resetStats: () => analytics.resetStats(),
    };
    expect(dataAnalytics.getStats()).toMatchObject({ reads: 2, hits: 1, misses: 1, hitRate: 0.5, writes: 1, deletes: 1 });
    expect(dataAnalytics.getOperationHistory(2).map((o) => [o.op, o.key])).toEqual([['remove', 'settings'], ['get', 'posts']]);
    expect(dataAnalytics.analyzeHotData()[0]).toMatchObject({ key: 'settings', reads: 1, writes: 1 });
    expect(dataAnalytics.generateReport()).toMatchObject({ format: 'stowage-analytics-report', stats: { reads: 2 } });
    dataAnalytics.resetStats();
    expect(dataAnalytics.getStats()).toMatchObject({ reads: 0, writes: 0 });
    await analytics.close();
  });
});
