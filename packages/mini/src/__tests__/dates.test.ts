// Dates through the mini API come back as Dates, as on the platform, while the Storage holds JSON.
import { describe, expect, it } from 'vitest';
import { createStorage } from '@stowage/core';
import { createMiniStorage } from '../mini-storage.js';
import { createStorageManager } from '../storage-manager.js';
import { decodeMiniValue, encodeMiniValue } from '../mini-values.js';
import { setup, spyDriver, stored } from './helpers.js';

const at = new Date(Date.UTC(2026, 11, 6, 8, 30, 15, 250));
const value = () => ({ loginTime: at, history: [new Date(0), { when: at }], n: 1, s: '2026-12-06T08:30:15.250Z' });

function expectDates(v: unknown): void {
  const o = v as ReturnType<typeof value>;
  expect(o.loginTime).toBeInstanceOf(Date);
  expect(o.loginTime.getTime()).toBe(at.getTime());
  expect(o.history[0]).toEqual(new Date(0));
  expect((o.history[1] as { when: Date }).when).toEqual(at);
  expect([o.n, o.s]).toEqual([1, '2026-12-06T08:30:15.250Z']); // a string that looks like a Date stays a string
}

describe('mini API: Dates round-trip as Dates', () => {
  it('Sync API, top level and nested, through the mirror and after a reload (hydration)', async () => {
    const driver = spyDriver();
    const { mini } = setup({ driver });
    await mini.ready();
    mini.setStorageSync('user', value());
    mini.setStorageSync('when', at);
    expectDates(mini.getStorageSync('user'));
    expect(mini.getStorageSync('when')).toEqual(at);
    await mini.flush();
    // The Storage holds JSON: each Date is a tagged object.
    expect((await stored(driver)).when!.value).toEqual({ $t: 'date', v: '2026-12-06T08:30:15.250Z' });
    const reloaded = setup({ driver }).mini;
    await reloaded.ready();
    expectDates(reloaded.getStorageSync('user'));
    expect(reloaded.batchGetStorageSync(['when', 'nope'])).toEqual([at, '']);
  });

  for (const ready of [false, true]) {
    it(`async API ${ready ? 'with the mirror' : 'before ready() (straight from the Storage)'}: setStorage, getStorage, batchSet, batchGet`, async () => {
      const { mini } = setup();
      if (ready) await mini.ready();
      await mini.setStorage({ key: 'user', data: value() });
      expectDates((await mini.getStorage({ key: 'user' })).data);
      await mini.batchSetStorage({ kvList: [{ key: 'a', value: at }, { key: 'b', value: [at] }] });
      expect((await mini.batchGetStorage({ keyList: ['a', 'b'] })).dataList).toEqual([at, [at]]);
    });
  }

  it("a user's own object that looks like a tag comes back exactly as stored, never as a Date", async () => {
    const driver = spyDriver();
    const { mini } = setup({ driver });
    await mini.ready();
    const lookalikes = { a: { $t: 'date', v: '2020-01-01T00:00:00.000Z' }, b: { $t$: 1, $t$$: [{ $t: 2 }] }, c: [{ $t: 'x' }], d: { $t: 'date', v: at }, $t: 'top' };
    mini.setStorageSync('k', lookalikes);
    await mini.flush();
    const back = mini.getStorageSync('k') as typeof lookalikes;
    expect(back).toEqual(lookalikes);
    expect(back.a).not.toBeInstanceOf(Date);
    expect(((await stored(driver)).k!.value as Record<string, unknown>).$t$).toBe("top"); // escaped: only tags own $t
    expect((await mini.getStorage({ key: 'k' })).data).toEqual(lookalikes);
  });

  it('values without Dates or tags are stored as they are (no copy), and the input is never changed', async () => {
    const plain = { a: [1, { b: 'c' }] };
    expect(encodeMiniValue(plain)).toBe(plain);
    expect(decodeMiniValue(undefined)).toBeUndefined();
    const input = value();
    const encoded = encodeMiniValue(input) as Record<string, unknown>;
    expect(input.loginTime).toBeInstanceOf(Date);
    expect(encoded.loginTime).toEqual({ $t: 'date', v: at.toISOString() });
    expect(decodeMiniValue(JSON.parse(JSON.stringify(encoded)))).toEqual(input);
  });

  it('a value the Storage refuses is still refused, with its path (functions, cycles, Maps, an invalid Date)', async () => {
    const { mini } = setup();
    await mini.ready();
    const cyclic: Record<string, unknown> = { when: at };
    cyclic.self = cyclic;
    expect(() => mini.setStorageSync('k', cyclic)).toThrow(/refers back/);
    expect(() => mini.setStorageSync('k', { when: at, f: () => 1 })).toThrow(/at \$\.f is a function/);
    expect(() => mini.setStorageSync('k', new Map())).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => mini.setStorageSync('k', { when: new Date(Number.NaN) })).toThrow(/at \$\.when is an invalid Date/);
    expect(() => encodeMiniValue({ f: () => 1 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('createStorageManager shares the encoding: a Date written by one reads back a Date through the other', async () => {
    const storage = createStorage({ driver: spyDriver(), prefix: 'mini', broadcast: false });
    const manager = createStorageManager({ storage });
    const mini = createMiniStorage({ storage, pagehideTarget: false });
    await manager.set('a', { at });
    await manager.batch([{ type: 'set', key: 'b', data: [at] }]);
    await mini.ready();
    expect(mini.getStorageSync('a')).toEqual({ at });
    mini.setStorageSync('c', at);
    await mini.flush();
    expect(await manager.get('c')).toEqual(at);
    expect(await manager.get('b')).toEqual([at]);
    expect(await manager.get('nope', 'default')).toBe('default');
  });
});
