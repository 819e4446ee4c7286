// Seed 001, "Storage API 基础用法": the Sync and async examples, unchanged, over createMiniStorage.
// The one line a port adds: `await wx.ready()` at start-up (the Sync API reads an in-memory mirror).
import { describe, expect, it } from 'vitest';
import { memoryDriver } from '@stowage/core';
import asyncStorage from './fixtures/async-storage.js?raw';
import syncStorage from './fixtures/sync-storage.js?raw';
import { seedWorld, settle, type SeedPage } from './seed-runtime.js';

describe('seed 001: the wx storage API examples, unchanged', () => {
  it('同步存储: set, read into setData, remove, clear — every step logs success, none throws', async () => {
    const world = seedWorld();
    await world.mini.ready();
    const page = { data: {} as Record<string, unknown>, setData(p: Record<string, unknown>) { Object.assign(this.data, p); } };
    world.run('sync-storage', syncStorage, page);
    expect(world.logs('error')).toEqual([]);
    expect(world.logs()).toEqual([
      '数据存储成功',
      expect.stringMatching(/^用户信息 \{"id":1,"name":"张三","avatar":"https:\/\/example.com\/avatar.jpg","loginTime":\d+\}$/),
      '设置信息 {"theme":"dark","language":"zh-CN","notifications":true}',
      '删除成功',
      '清空成功',
    ]);
    expect(page.data).toMatchObject({ userInfo: { id: 1, name: '张三' }, settings: { theme: 'dark' } });
    await settle(world.mini);
    expect(await world.mini.storage.keys()).toEqual([]);
  });

  it('异步存储: the token is stored, read (success → request), removed (→ login page); getStorageInfo reports usage in KB', async () => {
    const world = seedWorld();
    const requests: unknown[] = [];
    const page = { makeAuthenticatedRequest: (t: unknown) => requests.push(t), clearCache: () => requests.push('clearCache') };
    world.run('async-storage', asyncStorage, page);
    await settle(world.mini);
    expect(world.logs('error')).toEqual([]);
    const token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...';
    expect(world.logs()).toEqual([
      'Token存储成功',
      `Token读取成功 ${token}`,
      'Token删除成功',
      expect.stringMatching(/^存储信息 \{"keys":\[\],"currentSize":0,"limitSize":10240,"errMsg":"getStorageInfo:ok"\}$/),
      '存储空间使用率: 0.00%',
    ]);
    expect(requests).toEqual([token]);
    expect(world.calls.filter((c) => c.api === 'redirectTo').map((c) => c.args[0])).toEqual([{ url: '/pages/login/login' }]);
  });

  it('异步存储 with an absent token: getStorage fails with the platform errMsg and the page goes to login', async () => {
    const world = seedWorld();
    // The same example with setStorage failing (a value over the 1 MB limit never lands).
    world.run('async-storage', asyncStorage.replace("data: 'eyJ", "data: 'x'.repeat(1100000) + 'eyJ"), { makeAuthenticatedRequest() {}, clearCache() {} });
    await settle(world.mini);
    expect(world.logs('error').map((l) => l.split(' {')[0])).toEqual(['Token存储失败', 'Token读取失败']);
    const failures = world.calls.filter((c) => c.api === 'console.error').map((c) => (c.args[1] as { errMsg: string }).errMsg);
    expect(failures).toEqual(['setStorage:fail:entry size limit reached', 'getStorage:fail data not found']);
    expect(world.calls.filter((c) => c.api === 'redirectTo')).toHaveLength(2); // after the failed read, and after removeStorage
  });

  it('getStorageInfo over 80 %: the modal offers to clear the cache', async () => {
    const driver = memoryDriver();
    const world = seedWorld({ driver, limits: { maxTotalBytes: 100 * 1024 } });
    await world.mini.ready();
    world.wx.setStorageSync('cache', 'x'.repeat(85 * 1024));
    world.run('async-storage', asyncStorage, { makeAuthenticatedRequest() {}, clearCache() {} } as unknown as SeedPage);
    await settle(world.mini);
    expect(world.logs().at(-1)).toMatch(/^存储空间使用率: 8\d\.\d\d%$/);
    expect(world.calls.find((c) => c.api === 'showModal')?.args[0]).toMatchObject({ title: '存储空间不足', confirmText: '清理' });
  });
});
