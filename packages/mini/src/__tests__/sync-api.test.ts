import { describe, expect, it } from 'vitest';
import { createStorage, StowageError } from '@stowage/core';
import { createMiniStorage } from '../mini-storage.js';
import { expectThrowCode, fakeClock, setup, spyDriver, stored, tick, uniqueName, xorCodec } from './helpers.js';

const cyclic = (): unknown => {
  const o: Record<string, unknown> = {};
  o.me = o;
  return o;
};

describe('Sync API before ready()', () => {
  const calls: [string, (m: ReturnType<typeof setup>['mini']) => unknown][] = [
    ['setStorageSync', (m) => m.setStorageSync('k', 1)],
    ['getStorageSync', (m) => m.getStorageSync('k')],
    ['removeStorageSync', (m) => m.removeStorageSync('k')],
    ['clearStorageSync', (m) => m.clearStorageSync()],
    ['getStorageInfoSync', (m) => m.getStorageInfoSync()],
    ['batchSetStorageSync', (m) => m.batchSetStorageSync([{ key: 'k', value: 1 }])],
    ['batchGetStorageSync', (m) => m.batchGetStorageSync(['k'])],
  ];
  for (const [api, call] of calls) {
    it(`${api} throws 'unavailable' telling to await ready(), and changes nothing`, async () => {
      const { mini, driver } = setup();
      const err = expectThrowCode(() => call(mini), 'unavailable');
      expect(err.message).toBe(`${api}:fail the storage mirror is not ready: await mini.ready() before calling ${api}`);
      expect(err.errMsg).toBe(err.message);
      await tick();
      expect(driver.batches).toEqual([]);
      expect(mini.isReady).toBe(false);
    });
  }

  it('works once ready() resolved; ready() is idempotent', async () => {
    const { mini } = setup();
    await Promise.all([mini.ready(), mini.ready()]);
    expect(mini.isReady).toBe(true);
    mini.setStorageSync('k', 1);
    expect(mini.getStorageSync('k')).toBe(1);
  });

  it('a failed hydration rejects ready() with the store error and a later ready() can succeed', async () => {
    const driver = spyDriver();
    let broken = true;
    const inner = driver.entries;
    driver.entries = (p, o) => (broken ? Promise.reject(Object.assign(new Error('gone'), { name: 'UnknownError' })) : inner(p, o));
    const { mini } = setup({ driver, fallbackToMemory: false });
    await expect(mini.ready()).rejects.toMatchObject({ code: 'unavailable' });
    expect(() => mini.getStorageSync('k')).toThrow(/await mini.ready\(\)/);
    broken = false;
    await mini.ready();
    expect(mini.getStorageSync('k')).toBe('');
  });
});

describe('Sync API over the mirror', () => {
  it('ready() hydrates every key written earlier by another instance', async () => {
    const driver = spyDriver();
    const first = setup({ driver });
    await first.mini.batchSetStorage({ kvList: [{ key: 'a', value: { n: 1 } }, { key: 'b', value: [1, 2] }] });
    const second = setup({ driver });
    await second.mini.ready();
    expect(second.mini.getStorageSync('a')).toEqual({ n: 1 });
    expect(second.mini.batchGetStorageSync(['b', 'a', 'c'])).toEqual([[1, 2], { n: 1 }, '']);
  });

  it('a hydrated value comes out as a fresh copy on every read; mutating one changes neither the mirror nor the store', async () => {
    const driver = spyDriver();
    const first = setup({ driver });
    await first.mini.setStorage({ key: 'doc', data: { tags: ['a'], n: 1 } });
    const second = setup({ driver });
    await second.mini.ready();
    const one = second.mini.getStorageSync<{ tags: string[]; n: number }>('doc');
    if (one === '') throw new Error('doc was not hydrated');
    one.tags.push('mutated');
    one.n = 99;
    const two = second.mini.getStorageSync<{ tags: string[]; n: number }>('doc');
    expect(two).toEqual({ tags: ['a'], n: 1 });
    expect(two).not.toBe(one);
    expect(second.mini.batchGetStorageSync(['doc'])).toEqual([{ tags: ['a'], n: 1 }]);
    expect(await second.mini.getStorage({ key: 'doc' })).toMatchObject({ data: { tags: ['a'], n: 1 } });
  });

  it('getStorageSync of a missing key returns "" (as the platform)', async () => {
    const { mini } = setup();
    await mini.ready();
    expect(mini.getStorageSync('missing')).toBe('');
  });

  it('set / get / remove / clear / info, all visible at once', async () => {
    const { mini } = setup();
    await mini.ready();
    mini.setStorageSync('b', 'x'.repeat(2000));
    mini.setStorageSync('a', { deep: { list: [1, 'two', null, true] } });
    expect(mini.getStorageSync('a')).toEqual({ deep: { list: [1, 'two', null, true] } });
    expect(mini.getStorageInfoSync()).toEqual({ keys: ['a', 'b'], currentSize: 2, limitSize: 10240 });
    mini.removeStorageSync('b');
    expect(mini.getStorageSync('b')).toBe('');
    expect(mini.getStorageInfoSync().keys).toEqual(['a']);
    mini.clearStorageSync();
    expect(mini.getStorageInfoSync()).toEqual({ keys: [], currentSize: 0, limitSize: 10240 });
  });

  it('values are JSON plus Dates: a Date comes back a Date (stored tagged: the Storage holds JSON), undefined properties are dropped', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    mini.setStorageSync('d', { at: new Date(0), gone: undefined });
    expect(mini.getStorageSync('d')).toEqual({ at: new Date(0) });
    await mini.flush();
    expect((await stored(driver)).d!.value).toEqual({ at: { $t: 'date', v: '1970-01-01T00:00:00.000Z' } });
  });

  it('callers never share objects with the mirror: mutating the input or a result changes nothing stored', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    const input = { list: [1] };
    mini.setStorageSync('k', input);
    input.list.push(2);
    const out = mini.getStorageSync<{ list: number[] }>('k') as { list: number[] };
    out.list.push(3);
    expect(mini.getStorageSync('k')).toEqual({ list: [1] });
    await mini.flush();
    expect((await stored(driver)).k!.value).toEqual({ list: [1] });
  });

  it('an async setStorage is visible to getStorageSync as soon as it resolves', async () => {
    const { mini } = setup();
    await mini.ready();
    await mini.setStorage({ key: 'k', data: 'async' });
    expect(mini.getStorageSync('k')).toBe('async');
    await mini.removeStorage({ key: 'k' });
    expect(mini.getStorageSync('k')).toBe('');
    await mini.batchSetStorage({ kvList: [{ key: 'x', value: 1 }] });
    expect(mini.getStorageSync('x')).toBe(1);
    await mini.clearStorage();
    expect(mini.getStorageInfoSync().keys).toEqual([]);
  });

  it('a Sync write is visible to the async reads (which are served by the mirror after ready)', async () => {
    const { mini } = setup();
    await mini.ready();
    mini.setStorageSync('k', 'sync');
    expect((await mini.getStorage({ key: 'k' })).data).toBe('sync');
    expect((await mini.batchGetStorage({ keyList: ['k'] })).dataList).toEqual(['sync']);
    expect((await mini.getStorageInfo()).keys).toEqual(['k']);
  });
});

describe('Sync API: bad input throws synchronously and leaves mirror and store unchanged', () => {
  const bad: [string, (m: ReturnType<typeof setup>['mini']) => unknown, StowageError['code'], RegExp][] = [
    ['undefined data', (m) => m.setStorageSync('k', undefined), 'invalid-argument', /^setStorageSync:fail parameter error: value of "k" is undefined/],
    ['a function', (m) => m.setStorageSync('k', { f: () => 1 }), 'invalid-argument', /^setStorageSync:fail parameter error: value of "k" at \$\.f is a function/],
    ['a cyclic value', (m) => m.setStorageSync('k', cyclic()), 'invalid-argument', /cyclic|refers back/],
    ['NaN', (m) => m.setStorageSync('k', [NaN]), 'invalid-argument', /NaN/],
    ['a Map', (m) => m.setStorageSync('k', new Map()), 'invalid-argument', /Map/],
    ['an empty key', (m) => m.setStorageSync('', 1), 'invalid-argument', /^setStorageSync:fail parameter error: parameter.key is invalid \(key must not be empty\);$/],
    ['a numeric key', (m) => m.setStorageSync(1 as never, 1), 'invalid-argument', /^setStorageSync:fail parameter error: parameter.key should be String instead of Number;$/],
    ['an object key on get', (m) => m.getStorageSync({} as never), 'invalid-argument', /should be String instead of Object/],
    ['a null key on remove', (m) => m.removeStorageSync(null as never), 'invalid-argument', /should be String instead of Null/],
    ['a non-array kvList', (m) => m.batchSetStorageSync('x' as never), 'invalid-argument', /parameter.kvList should be Array instead of String/],
    ['one bad item in kvList', (m) => m.batchSetStorageSync([{ key: 'a', value: 1 }, { key: 'b', value: undefined }]), 'invalid-argument', /value of "b" is undefined/],
    ['a non-array keyList', (m) => m.batchGetStorageSync(undefined as never), 'invalid-argument', /parameter.keyList should be Array instead of Undefined/],
    ['a value over the per-key limit', (m) => m.setStorageSync('big', 'x'.repeat(1024 * 1024)), 'too-large', /^setStorageSync:fail:entry size limit reached$/],
    ['one over-size item in kvList', (m) => m.batchSetStorageSync([{ key: 'a', value: 1 }, { key: 'big', value: 'x'.repeat(1024 * 1024) }]), 'too-large', /entry size limit reached/],
  ];
  for (const [what, call, code, message] of bad) {
    it(`${what} → ${code}`, async () => {
      const { mini, driver } = setup();
      await mini.ready();
      mini.setStorageSync('keep', 'me');
      await mini.flush();
      const before = await stored(driver);
      const batches = driver.batches.length;
      const err = expectThrowCode(() => call(mini), code);
      expect(err.message).toMatch(message);
      expect(err.errMsg).toBe(err.message);
      expect(err.cause).toBeInstanceOf(StowageError);
      expect(mini.getStorageInfoSync().keys).toEqual(['keep']);
      expect(mini.getStorageSync('keep')).toBe('me');
      await mini.flush();
      expect(driver.batches.length).toBe(batches);
      expect(await stored(driver)).toEqual(before);
    });
  }

  it('checks the namespace total against the mirror: over it → quota-exceeded, nothing changes', async () => {
    const { mini, driver } = setup({ limits: { maxTotalBytes: 10_000, maxValueBytes: 6_000 } });
    await mini.ready();
    mini.setStorageSync('a', 'x'.repeat(5_000));
    const err = expectThrowCode(() => mini.setStorageSync('b', 'x'.repeat(5_000)), 'quota-exceeded');
    expect(err.message).toBe('setStorageSync:fail exceed storage max size 0.01Mb');
    expectThrowCode(() => mini.batchSetStorageSync([{ key: 'c', value: 1 }, { key: 'd', value: 'y'.repeat(5_000) }]), 'quota-exceeded');
    expect(mini.getStorageInfoSync().keys).toEqual(['a']);
    // Replacing a key only needs the difference.
    mini.setStorageSync('a', 'z'.repeat(5_500));
    await mini.flush();
    expect(Object.keys(await stored(driver))).toEqual(['a']);
  });

  it('expired keys do not count against the total (the store sweeps them under pressure too)', async () => {
    const clock = fakeClock();
    const { mini } = setup({ clock, defaultTtl: 1_000, limits: { maxTotalBytes: 10_000 } });
    await mini.ready();
    mini.setStorageSync('old', 'x'.repeat(6_000));
    await mini.flush();
    clock.advance(1_001);
    mini.setStorageSync('new', 'y'.repeat(6_000));
    await mini.flush();
    expect(mini.getStorageInfoSync().keys).toEqual(['new']);
  });
});

describe('Sync API: write-behind', () => {
  it('100 setStorageSync calls in one tick → one driver batch (one transaction)', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    for (let i = 0; i < 100; i++) mini.setStorageSync(`k${i}`, i);
    await mini.flush();
    expect(driver.batches).toHaveLength(1);
    expect(driver.batches[0]).toHaveLength(100);
    expect(Object.keys(await stored(driver))).toHaveLength(100);
  });

  it('writes of separate ticks are separate transactions; flush() waits for all of them', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    mini.setStorageSync('a', 1);
    await tick();
    mini.setStorageSync('b', 2);
    mini.removeStorageSync('a');
    await mini.flush();
    expect(driver.batches).toHaveLength(2);
    expect(await stored(driver)).toEqual({ b: expect.objectContaining({ value: 2 }) });
  });

  it('flush() resolves only once the driver has committed', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    let open!: () => void;
    driver.gate = new Promise((r) => (open = r));
    mini.setStorageSync('k', 1);
    let flushed = false;
    const f = mini.flush().then(() => (flushed = true));
    for (let i = 0; i < 3; i++) await tick();
    expect(flushed).toBe(false);
    expect(await stored(driver)).toEqual({});
    open();
    await f;
    expect((await stored(driver)).k!.value).toBe(1);
  });

  it('a write-behind the store refuses is rolled back in the mirror and reported (onError, subscribe, flush)', async () => {
    const { mini, driver, errors, events } = setup();
    await mini.ready();
    mini.setStorageSync('k', 'old');
    await mini.flush();
    driver.failWith = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    mini.setStorageSync('k', 'new');
    mini.setStorageSync('fresh', 1);
    expect(mini.getStorageSync('k')).toBe('new');
    const flushed = await mini.flush().then(() => undefined, (e: unknown) => e as StowageError);
    expect(flushed).toBeInstanceOf(StowageError);
    expect(flushed!.code).toBe('quota-exceeded');
    expect(mini.getStorageSync('k')).toBe('old');
    expect(mini.getStorageSync('fresh')).toBe('');
    expect(mini.getStorageInfoSync().keys).toEqual(['k']);
    expect(errors.map(([e, c]) => [e.code, c.operation, c.keys])).toEqual([
      ['quota-exceeded', 'setStorageSync', ['k']],
      ['quota-exceeded', 'setStorageSync', ['fresh']],
    ]);
    expect(errors[0]![0].message).toMatch(/mirror was restored for "k"/);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.operation)).toEqual(['setStorageSync', 'setStorageSync']);
    driver.failWith = undefined;
    await expect(mini.flush()).resolves.toBeUndefined(); // failures are reported once
    expect((await stored(driver)).k!.value).toBe('old');
  });

  it('rollback restores the right value when writes to one key settle out of order', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    mini.setStorageSync('k', 1);
    await mini.flush();
    mini.setStorageSync('k', 2);
    await tick();
    driver.failWith = new Error('boom');
    mini.setStorageSync('k', 3); // refused
    mini.removeStorageSync('k'); // refused too
    expect(mini.getStorageSync('k')).toBe('');
    await mini.flush().catch(() => undefined);
    expect(mini.getStorageSync('k')).toBe(2);
  });

  it('a failed clearStorageSync restores every key', async () => {
    const { mini, driver, errors } = setup();
    await mini.ready();
    mini.batchSetStorageSync([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    await mini.flush();
    const inner = driver.clear;
    driver.clear = () => Promise.reject(new Error('locked'));
    mini.clearStorageSync();
    expect(mini.getStorageInfoSync().keys).toEqual([]);
    await mini.flush().catch(() => undefined);
    expect(mini.batchGetStorageSync(['a', 'b'])).toEqual([1, 2]);
    expect(errors[0]![1]).toEqual({ operation: 'clearStorageSync', keys: ['a', 'b'] });
    driver.clear = inner;
  });

  it('a failed batchSetStorageSync rolls back every entry (it was one transaction)', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    mini.setStorageSync('a', 'before');
    await mini.flush();
    driver.failWith = new Error('abort');
    mini.batchSetStorageSync([{ key: 'a', value: 'after' }, { key: 'b', value: 1 }]);
    await mini.flush().catch(() => undefined);
    expect(mini.batchGetStorageSync(['a', 'b'])).toEqual(['before', '']);
  });

  it('a failure nobody listens to is rethrown asynchronously (never swallowed)', async () => {
    const driver = spyDriver();
    const mini = createMiniStorage({ driver, broadcast: false, pagehideTarget: false });
    await mini.ready();
    driver.failWith = new Error('nobody hears');
    const thrown: unknown[] = [];
    const onUncaught = (e: unknown): void => void thrown.push(e);
    process.prependListener('uncaughtException', onUncaught);
    const listeners = process.listeners('uncaughtException').filter((l) => l !== onUncaught);
    for (const l of listeners) process.off('uncaughtException', l);
    try {
      mini.setStorageSync('k', 1);
      await mini.flush().catch(() => undefined);
      await tick();
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const l of listeners) process.on('uncaughtException', l);
    }
    expect(thrown).toHaveLength(1);
    expect((thrown[0] as StowageError).message).toMatch(/write-behind failed/);
  });
});

describe('Sync API: pagehide', () => {
  it('listens on the injected target, starts a flush on pagehide, and stops listening on close()', async () => {
    const target = new EventTarget();
    const added: string[] = [];
    const removed: string[] = [];
    const spyTarget = {
      addEventListener: (t: 'pagehide', l: () => void) => (added.push(t), target.addEventListener(t, l)),
      removeEventListener: (t: 'pagehide', l: () => void) => (removed.push(t), target.removeEventListener(t, l)),
    };
    const driver = spyDriver();
    const errors: unknown[] = [];
    const mini = createMiniStorage({ driver, broadcast: false, pagehideTarget: spyTarget, onError: (e) => errors.push(e) });
    expect(added).toEqual(['pagehide']);
    await mini.ready();
    driver.failWith = new Error('refused');
    mini.setStorageSync('k', 1);
    // The pagehide flush meets a failed write-behind: it must not surface as an unhandled rejection.
    target.dispatchEvent(new Event('pagehide'));
    for (let i = 0; i < 3; i++) await tick();
    expect(errors).toHaveLength(1);
    driver.failWith = undefined;
    await mini.close();
    expect(removed).toEqual(['pagehide']);
    expectThrowCode(() => mini.getStorageSync('k'), 'closed');
  });
});

describe('Sync API: TTL through an injected clock', () => {
  it('keys written with a TTL read as absent from the mirror once expired', async () => {
    const clock = fakeClock();
    const driver = spyDriver();
    const storage = createStorage({ driver, prefix: 'mini', clock, broadcast: false });
    const mini = createMiniStorage({ storage, clock, pagehideTarget: false });
    await storage.set('short', 's', { ttl: 1_000 });
    await storage.set('long', 'l', { ttl: 60_000 });
    await mini.ready();
    expect(mini.batchGetStorageSync(['short', 'long'])).toEqual(['s', 'l']);
    clock.advance(1_000);
    expect(mini.getStorageSync('short')).toBe('');
    expect(mini.getStorageInfoSync().keys).toEqual(['long']);
    await expect(mini.getStorage({ key: 'short' })).rejects.toMatchObject({ errMsg: 'getStorage:fail data not found' });
  });

  it('a Sync write under a defaultTtl learns its expiry from the store', async () => {
    const clock = fakeClock();
    const driver = spyDriver();
    const storage = createStorage({ driver, prefix: 'mini', clock, broadcast: false, defaultTtl: 5_000 });
    const mini = createMiniStorage({ storage, clock, pagehideTarget: false });
    await mini.ready();
    mini.setStorageSync('k', 1);
    await mini.flush();
    clock.advance(4_999);
    expect(mini.getStorageSync('k')).toBe(1);
    clock.advance(1);
    expect(mini.getStorageSync('k')).toBe('');
  });
});

describe('Sync API: encryption', () => {
  it('the mirror holds plaintext while the store holds ciphertext; a fresh instance decrypts on ready()', async () => {
    const driver = spyDriver();
    const { mini } = setup({ driver, encryption: xorCodec() });
    await mini.ready();
    mini.batchSetStorageSync([{ key: 'card', value: { pan: '4111111111111111' }, encrypt: true }, { key: 'plain', value: 'hello' }]);
    expect(mini.getStorageSync('card')).toEqual({ pan: '4111111111111111' });
    await mini.flush();
    const raw = await stored(driver);
    expect(raw.card!.codecs).toEqual(['test-xor']);
    expect(new TextDecoder().decode(raw.card!.data)).not.toContain('4111');
    expect(raw.plain!.codecs).toEqual([]);
    const fresh = setup({ driver, encryption: xorCodec() });
    await fresh.mini.ready();
    expect(fresh.mini.getStorageSync('card')).toEqual({ pan: '4111111111111111' });
  });

  it('setStorageSync keeps an encrypted key encrypted (the Sync API has no encrypt parameter)', async () => {
    const driver = spyDriver();
    const { mini } = setup({ driver, encryption: xorCodec() });
    await mini.setStorage({ key: 'token', data: 'v1', encrypt: true });
    await mini.ready();
    mini.setStorageSync('token', 'v2');
    await mini.flush();
    const raw = await stored(driver);
    expect(raw.token!.codecs).toEqual(['test-xor']);
    expect(mini.getStorageSync('token')).toBe('v2');
  });

  it('encryptAll encrypts every Sync write', async () => {
    const driver = spyDriver();
    const { mini } = setup({ driver, encryption: xorCodec(), encryptAll: true });
    await mini.ready();
    mini.setStorageSync('a', 'secret');
    await mini.flush();
    expect((await stored(driver)).a!.codecs).toEqual(['test-xor']);
  });

  it('encrypt: true in batchSetStorageSync without a codec throws at once, changing nothing', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    const err = expectThrowCode(() => mini.batchSetStorageSync([{ key: 'a', value: 1, encrypt: true }]), 'invalid-argument');
    expect(err.message).toMatch(/encrypt: true needs an encryption codec/);
    await mini.flush();
    expect(driver.batches).toEqual([]);
    expect(mini.getStorageSync('a')).toBe('');
  });

  it('a key the mirror cannot decrypt throws decrypt-failed from getStorageSync (never a silent "")', async () => {
    const driver = spyDriver();
    const writer = setup({ driver, encryption: xorCodec(0x01) });
    await writer.mini.setStorage({ key: 'k', data: 'x', encrypt: true });
    await writer.mini.setStorage({ key: 'ok', data: 'fine' });
    const reader = setup({ driver, encryption: xorCodec(0x02) });
    await reader.mini.ready();
    expect(reader.mini.getStorageSync('ok')).toBe('fine');
    expect(reader.mini.getStorageInfoSync().keys).toEqual(['k', 'ok']);
    const err = expectThrowCode(() => reader.mini.getStorageSync('k'), 'decrypt-failed');
    expect(err.message).toMatch(/^getStorageSync:fail /);
    // Overwriting it is fine.
    reader.mini.setStorageSync('k', 'replaced');
    expect(reader.mini.getStorageSync('k')).toBe('replaced');
  });
});

describe('createMiniStorage options', () => {
  it('rejects mixing { storage } with storage options, and bad option types', () => {
    const storage = createStorage({ driver: spyDriver(), broadcast: false });
    expect(() => createMiniStorage({ storage, prefix: 'x' } as never)).toThrow(/either \{ storage \} or the options/);
    expect(() => createMiniStorage({ storage: {} as never })).toThrow(/storage must be a Storage/);
    expect(() => createMiniStorage({ onError: 1 as never, pagehideTarget: false })).toThrow(/onError must be a function/);
    expect(() => createMiniStorage({ limits: { maxTotalBytes: -1 }, pagehideTarget: false })).toThrow(/maxTotalBytes/);
    expect(() => createMiniStorage({ tll: 5, pagehideTarget: false } as never)).toThrow(/unknown option "tll"/);
  });

  it("uses the 'mini' prefix by default and exposes the Storage", async () => {
    const driver = spyDriver();
    const mini = createMiniStorage({ driver, broadcast: false, pagehideTarget: false });
    await mini.setStorage({ key: 'k', data: 1 });
    expect(await driver.keys('')).toEqual(['mini:k']);
    expect(mini.storage.prefix).toBe('mini');
  });

  it('methods are plain functions (const { setStorageSync } = wx works)', async () => {
    const { mini } = setup({ prefix: uniqueName() });
    const { ready, setStorageSync, getStorageSync } = mini;
    await ready();
    setStorageSync('k', 'v');
    expect(getStorageSync('k')).toBe('v');
  });
});
