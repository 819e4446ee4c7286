import { afterEach, describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import type { MiniFailResult } from '../mini-types.js';
import { recorder, setup, stored, tick, xorCodec } from './helpers.js';

const cyclic = (): unknown => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};

describe('async API: success path (before and after ready)', () => {
  for (const withMirror of [false, true]) {
    describe(withMirror ? 'with the mirror ready' : 'before ready()', () => {
      const make = async () => {
        const s = setup();
        if (withMirror) await s.mini.ready();
        return s;
      };

      it('setStorage → success then complete with { errMsg: "setStorage:ok" }, and the promise resolves to it', async () => {
        const { mini, driver } = await make();
        const r = recorder();
        const res = await mini.setStorage({ key: 'user', data: { name: 'Ada', tags: ['x'] }, ...r.cbs });
        expect(res).toEqual({ errMsg: 'setStorage:ok' });
        expect(r.names()).toEqual(['success', 'complete']);
        expect(r.calls[0]![1]).toEqual({ errMsg: 'setStorage:ok' });
        expect((await stored(driver)).user!.value).toEqual({ name: 'Ada', tags: ['x'] });
      });

      it('getStorage → { data, errMsg: "getStorage:ok" }', async () => {
        const { mini } = await make();
        await mini.setStorage({ key: 'n', data: 42 });
        const r = recorder();
        const res = await mini.getStorage({ key: 'n', ...r.cbs });
        expect(res).toEqual({ data: 42, errMsg: 'getStorage:ok' });
        expect(r.calls).toEqual([['success', res], ['complete', res]]);
      });

      it('getStorage of a missing key fails with "getStorage:fail data not found" (fail then complete, promise rejects)', async () => {
        const { mini } = await make();
        const r = recorder();
        const err = (await mini.getStorage({ key: 'nope', ...r.cbs }).catch((e: unknown) => e)) as MiniFailResult;
        expect(err.errMsg).toBe('getStorage:fail data not found');
        expect(err.code).toBe('not-found');
        expect(err.error).toBeInstanceOf(StowageError);
        expect(err.cause).toBe(err.error);
        expect(r.names()).toEqual(['fail', 'complete']);
        expect(r.calls[0]![1]).toBe(err);
        expect(r.calls[1]![1]).toBe(err);
      });

      it('removeStorage removes; removing a missing key still succeeds (as the platform)', async () => {
        const { mini, driver } = await make();
        await mini.setStorage({ key: 'a', data: 1 });
        expect(await mini.removeStorage({ key: 'a' })).toEqual({ errMsg: 'removeStorage:ok' });
        expect(await stored(driver)).toEqual({});
        expect(await mini.removeStorage({ key: 'a' })).toEqual({ errMsg: 'removeStorage:ok' });
      });

      it('clearStorage clears only this namespace; callbacks optional', async () => {
        const { mini, driver } = await make();
        await driver.batch([{ type: 'put', key: 'other:x', value: 1 }]);
        await mini.batchSetStorage({ kvList: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] });
        const r = recorder();
        expect(await mini.clearStorage(r.cbs)).toEqual({ errMsg: 'clearStorage:ok' });
        expect(await mini.clearStorage()).toEqual({ errMsg: 'clearStorage:ok' });
        expect(r.names()).toEqual(['success', 'complete']);
        expect(await stored(driver)).toEqual({});
        expect(await driver.get('other:x')).toBe(1);
      });

      it('getStorageInfo → keys (sorted), currentSize and limitSize in KB', async () => {
        const { mini } = await make();
        await mini.setStorage({ key: 'b', data: 'x'.repeat(3000) });
        await mini.setStorage({ key: 'a', data: 1 });
        const info = await mini.getStorageInfo();
        expect(info).toEqual({ keys: ['a', 'b'], currentSize: 3, limitSize: 10240, errMsg: 'getStorageInfo:ok' });
      });

      it('batchSetStorage writes every entry in one transaction; batchGetStorage returns dataList aligned, "" for absent', async () => {
        const { mini, driver } = await make();
        const before = driver.batches.length;
        const res = await mini.batchSetStorage({ kvList: [{ key: 'a', value: 1 }, { key: 'b', value: { x: [1] } }] });
        expect(res).toEqual({ errMsg: 'batchSetStorage:ok' });
        expect(driver.batches.length - before).toBe(1);
        expect(await mini.batchGetStorage({ keyList: ['b', 'zz', 'a'] })).toEqual({ dataList: [{ x: [1] }, '', 1], errMsg: 'batchGetStorage:ok' });
      });

      it('getStorage returns a fresh copy each time: mutating it never changes what is stored', async () => {
        const { mini } = await make();
        const data = { list: [1] };
        const set = mini.setStorage({ key: 'k', data });
        data.list.push(2); // after the call, before the write commits
        await set;
        const a = (await mini.getStorage<{ list: number[] }>({ key: 'k' })).data;
        a.list.push(3);
        expect((await mini.getStorage({ key: 'k' })).data).toEqual({ list: [1] });
      });

      it('calls issued in one tick run in the platform\'s order: a read sees the writes before it and none after', async () => {
        const { mini, driver } = await make();
        const batches = driver.batches.length;
        const set = mini.setStorage({ key: 'token', data: 't1' });
        const first = mini.getStorage({ key: 'token' });
        const removed = mini.removeStorage({ key: 'token' });
        const info = mini.getStorageInfo();
        const second = mini.getStorage({ key: 'token' }).catch((f: MiniFailResult) => f.errMsg);
        const both = mini.batchSetStorage({ kvList: [{ key: 'a', value: 1 }] });
        const also = mini.setStorage({ key: 'b', data: 2 });
        const list = mini.batchGetStorage({ keyList: ['a', 'b', 'token'] });
        await Promise.all([set, removed, both, also]);
        expect((await first).data).toBe('t1');
        expect((await info).keys).toEqual([]);
        expect(await second).toBe('getStorage:fail data not found');
        expect((await list).dataList).toEqual([1, 2, '']);
        // Writes issued back to back still share a transaction: set; remove; batchSet + set.
        expect(driver.batches.length - batches).toBe(3);
      });
    });
  }
});

describe('async API: bad input fails with the right code and leaves the store unchanged', () => {
  const cases: [string, (m: ReturnType<typeof setup>['mini']) => Promise<unknown>, string, string][] = [
    ['undefined data', (m) => m.setStorage({ key: 'k', data: undefined }), 'invalid-argument', 'setStorage:fail parameter error: value of "k" is undefined'],
    ['a function', (m) => m.setStorage({ key: 'k', data: () => 1 }), 'invalid-argument', 'setStorage:fail parameter error: value of "k" at $ is a function'],
    ['a cyclic object', (m) => m.setStorage({ key: 'k', data: cyclic() }), 'invalid-argument', 'setStorage:fail parameter error: value of "k" at $.self refers back'],
    ['a missing key', (m) => m.setStorage({ data: 1 } as never), 'invalid-argument', 'setStorage:fail parameter error: parameter.key should be String instead of Undefined;'],
    ['a numeric key', (m) => m.getStorage({ key: 7 as never }), 'invalid-argument', 'getStorage:fail parameter error: parameter.key should be String instead of Number;'],
    ['an empty key', (m) => m.removeStorage({ key: '' }), 'invalid-argument', 'removeStorage:fail parameter error: parameter.key is invalid (key must not be empty);'],
    ['no options object', (m) => m.setStorage(undefined as never), 'invalid-argument', 'setStorage:fail parameter error: setStorage expects an options object'],
    ['a non-array kvList', (m) => m.batchSetStorage({ kvList: {} as never }), 'invalid-argument', 'batchSetStorage:fail parameter error: parameter.kvList should be Array instead of Object;'],
    ['a bad key inside kvList', (m) => m.batchSetStorage({ kvList: [{ key: 'ok', value: 1 }, { key: null as never, value: 2 }] }), 'invalid-argument', 'batchSetStorage:fail parameter error: parameter.kvList[1].key should be String instead of Null;'],
    ['a bad value inside kvList', (m) => m.batchSetStorage({ kvList: [{ key: 'ok', value: 1 }, { key: 'f', value: Symbol('s') }] }), 'invalid-argument', 'batchSetStorage:fail parameter error: value of "f" at $ is a symbol'],
    ['a non-array keyList', (m) => m.batchGetStorage({ keyList: 'a' as never }), 'invalid-argument', 'batchGetStorage:fail parameter error: parameter.keyList should be Array instead of String;'],
    ['a non-boolean encrypt', (m) => m.setStorage({ key: 'k', data: 1, encrypt: 'yes' as never }), 'invalid-argument', 'setStorage:fail parameter error: parameter.encrypt should be Boolean instead of String;'],
    ['a non-function success', (m) => m.setStorage({ key: 'k', data: 1, success: 5 as never }), 'invalid-argument', 'setStorage:fail parameter error: parameter.success should be Function instead of Number;'],
    ['a value over 1 MB', (m) => m.setStorage({ key: 'big', data: 'x'.repeat(1024 * 1024) }), 'too-large', 'setStorage:fail:entry size limit reached'],
  ];
  for (const [what, call, code, errMsg] of cases) {
    it(`${what} → ${code}`, async () => {
      const { mini, driver } = setup();
      await mini.ready();
      await mini.setStorage({ key: 'keep', data: 'me' });
      const before = await stored(driver);
      const r = recorder();
      const err = (await call(mini).catch((e: unknown) => e)) as MiniFailResult;
      expect(err.code).toBe(code);
      expect(err.errMsg.startsWith(errMsg)).toBe(true);
      expect(await stored(driver)).toEqual(before);
      expect(mini.getStorageSync('keep')).toBe('me');
      expect(mini.getStorageInfoSync().keys).toEqual(['keep']);
      expect(r.calls).toEqual([]);
    });
  }

  it('an over-quota write fails with quota-exceeded and "exceed storage max size" in the unit of the limit', async () => {
    const { mini, driver } = setup({ limits: { maxTotalBytes: 2 * 1024 * 1024 } });
    await mini.setStorage({ key: 'a', data: 'x'.repeat(900_000) });
    await mini.setStorage({ key: 'b', data: 'x'.repeat(900_000) });
    const err = (await mini.setStorage({ key: 'c', data: 'x'.repeat(900_000) }).catch((e: unknown) => e)) as MiniFailResult;
    expect(err.code).toBe('quota-exceeded');
    expect(err.errMsg).toBe('setStorage:fail exceed storage max size 2Mb');
    expect(Object.keys(await stored(driver)).sort()).toEqual(['a', 'b']);
  });

  it('batchSetStorage is atomic: a driver failure writes none of the entries', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    driver.failWith = Object.assign(new Error('disk full'), { name: 'QuotaExceededError' });
    const r = recorder();
    const err = (await mini.batchSetStorage({ kvList: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }], ...r.cbs }).catch((e: unknown) => e)) as MiniFailResult;
    expect(err.code).toBe('quota-exceeded');
    expect(r.names()).toEqual(['fail', 'complete']);
    driver.failWith = undefined;
    expect(await stored(driver)).toEqual({});
    expect(mini.batchGetStorageSync(['a', 'b'])).toEqual(['', '']);
  });
});

describe('async API: callbacks', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('runs callbacks after the call returns, never synchronously', async () => {
    const { mini } = setup();
    const r = recorder();
    const p = mini.getStorage({ key: 7 as never, ...r.cbs }).catch(() => undefined);
    expect(r.calls).toEqual([]);
    await p;
    expect(r.names()).toEqual(['fail', 'complete']);
  });

  it('with a fail or complete callback, the ignored promise rejection is not reported as unhandled', async () => {
    process.on('unhandledRejection', onUnhandled);
    const { mini } = setup();
    const seen: string[] = [];
    void mini.getStorage({ key: 'missing', fail: (r) => seen.push(r.errMsg) });
    void mini.getStorage({ key: 'missing', complete: (r) => seen.push(r.errMsg) });
    void mini.setStorage({ key: 'k', data: () => 1, fail: (r) => seen.push(r.code) });
    for (let i = 0; i < 5; i++) await tick();
    expect(seen.sort()).toEqual(['getStorage:fail data not found', 'getStorage:fail data not found', 'invalid-argument']);
    expect(unhandled).toEqual([]);
  });

  it('with only a success callback, a failure is not reported as unhandled either (on the platform any callback means no promise)', async () => {
    process.on('unhandledRejection', onUnhandled);
    const { mini } = setup();
    const seen: string[] = [];
    void mini.getStorage({ key: 'missing', success: (r) => seen.push(String(r.data)) });
    void mini.removeStorage({ key: 7 as never, success: () => seen.push('removed') });
    for (let i = 0; i < 5; i++) await tick();
    expect(seen).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a throwing callback is reported and breaks neither the call, the complete callback, nor the storage', async () => {
    const { mini, errors } = setup();
    const order: string[] = [];
    const res = await mini.setStorage({
      key: 'k',
      data: 1,
      success: () => {
        order.push('success');
        throw new Error('app bug');
      },
      complete: () => {
        order.push('complete');
        throw new Error('another bug');
      },
    });
    expect(res).toEqual({ errMsg: 'setStorage:ok' });
    expect(order).toEqual(['success', 'complete']);
    expect(errors.map(([e, c]) => [e.code, c.operation, (e.cause as Error).message])).toEqual([
      ['internal', 'callback', 'app bug'],
      ['internal', 'callback', 'another bug'],
    ]);
    expect((await mini.getStorage({ key: 'k' })).data).toBe(1);
    const failing = await mini.getStorage({ key: 'x', fail: () => { throw new Error('in fail'); } }).catch((e: MiniFailResult) => e.errMsg);
    expect(failing).toBe('getStorage:fail data not found');
    expect(errors).toHaveLength(3);
  });
});

describe('async API: encryption', () => {
  it('encrypt: true stores ciphertext and reads back plaintext (with or without encrypt on get)', async () => {
    const { mini, driver } = setup({ encryption: xorCodec() });
    await mini.setStorage({ key: 'token', data: { secret: 'hunter2' }, encrypt: true });
    const rec = (await stored(driver)).token!;
    expect(rec.codecs).toEqual(['test-xor']);
    expect(rec.value).toBeUndefined();
    expect(new TextDecoder().decode(rec.data)).not.toContain('hunter2');
    expect((await mini.getStorage({ key: 'token', encrypt: true })).data).toEqual({ secret: 'hunter2' });
    await mini.ready();
    expect((await mini.getStorage({ key: 'token' })).data).toEqual({ secret: 'hunter2' });
  });

  it('encrypt: true without an encryption codec fails clearly, writing nothing', async () => {
    const { mini, driver } = setup();
    const err = (await mini.setStorage({ key: 'k', data: 1, encrypt: true }).catch((e: unknown) => e)) as MiniFailResult;
    expect(err.code).toBe('invalid-argument');
    expect(err.errMsg).toMatch(/^setStorage:fail parameter error: encrypt: true needs an encryption codec/);
    const getErr = (await mini.getStorage({ key: 'k', encrypt: true }).catch((e: unknown) => e)) as MiniFailResult;
    expect(getErr.errMsg).toMatch(/encrypt: true needs an encryption codec/);
    expect(await stored(driver)).toEqual({});
  });

  it('a record that cannot be decrypted fails getStorage with decrypt-failed (before and after ready)', async () => {
    const { mini, driver } = setup({ encryption: xorCodec(0x11) });
    await mini.setStorage({ key: 'k', data: 'secret', encrypt: true });
    const other = setup({ encryption: xorCodec(0x22), driver });
    const before = (await other.mini.getStorage({ key: 'k' }).catch((e: unknown) => e)) as MiniFailResult;
    expect(before.code).toBe('decrypt-failed');
    expect(before.errMsg).toMatch(/^getStorage:fail /);
    await other.mini.ready();
    const after = (await other.mini.getStorage({ key: 'k' }).catch((e: unknown) => e)) as MiniFailResult;
    expect(after.code).toBe('decrypt-failed');
  });
});
