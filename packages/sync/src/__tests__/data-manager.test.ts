import { describe, expect, it } from 'vitest';
import { createStorage, StowageError } from '@stowage/core';
import { createDataManager } from '../index.js';
import type { MemoryTier } from '../index.js';

function mapTier(): MemoryTier & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return { map, get: (k) => map.get(k), set: (k, v) => map.set(k, v), delete: (k) => map.delete(k) };
}

describe('createDataManager', () => {
  it('reads memory → local → cloud and back-fills the faster tiers', async () => {
    const memory = mapTier();
    const storage = createStorage({ broadcast: false });
    const cloudReads: string[] = [];
    const dm = createDataManager({ memory, storage, cloud: { get: async (k) => (cloudReads.push(k), k === 'remote' ? { from: 'cloud' } : undefined) } });
    expect(await dm.get('remote')).toEqual({ from: 'cloud' });
    expect(await storage.get('remote')).toEqual({ from: 'cloud' });
    expect(memory.map.get('remote')).toEqual({ from: 'cloud' });
    expect(await dm.get('remote')).toEqual({ from: 'cloud' });
    expect(cloudReads).toEqual(['remote']); // second read served by memory
    memory.map.clear();
    expect(await dm.get('remote')).toEqual({ from: 'cloud' });
    expect(cloudReads).toEqual(['remote']); // served by local storage, memory back-filled
    expect(memory.map.has('remote')).toBe(true);
    expect(await dm.get('nowhere')).toBeUndefined();
  });

  it('honours useCache/useLocal/useCloud and forceRefresh', async () => {
    const memory = mapTier();
    const storage = createStorage({ broadcast: false });
    let version = 1;
    const dm = createDataManager({ memory, storage, cloud: { get: async () => ({ version }) } });
    await dm.get('k');
    version = 2;
    expect(await dm.get('k')).toEqual({ version: 1 });
    expect(await dm.get('k', { forceRefresh: true })).toEqual({ version: 2 });
    expect(await storage.get('k')).toEqual({ version: 2 });
    expect(await dm.get('other', { useCloud: false })).toBeUndefined();
    await storage.set('local-only', 1);
    expect(await dm.get('local-only', { useLocal: false, useCloud: false })).toBeUndefined();
  });

  it('set writes local (and cloud when asked); preload reports per key', async () => {
    const storage = createStorage({ broadcast: false });
    const cloud = new Map<string, unknown>();
    const dm = createDataManager({ storage, cloud: { get: async (k) => cloud.get(k), set: async (k, v) => void cloud.set(k, v) } });
    await dm.set('a', 1, { syncToCloud: true });
    expect(await storage.get('a')).toBe(1);
    expect(cloud.get('a')).toBe(1);
    cloud.set('b', 2);
    expect(await dm.preload(['a', 'b', 'c'])).toEqual([{ key: 'a', ok: true }, { key: 'b', ok: true }, { key: 'c', ok: false }]);
    await expect(createDataManager({ storage }).set('x', 1, { syncToCloud: true })).rejects.toBeInstanceOf(StowageError);
    expect(() => createDataManager({})).toThrow(StowageError);
  });
});
