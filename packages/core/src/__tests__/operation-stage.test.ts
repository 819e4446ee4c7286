// The `operation` stage: every method call, every step of a whole-namespace function and every
// background write reaches it once, with what it settled with — at build time or attached later.
import { describe, expect, it } from 'vitest';
import { applyRecords, contextOf, createKernel, createStorage, exportData, getRecord, importData, memoryDriver } from '@stowage/core';
import type { Layer, Operation } from '@stowage/core';
import { fakeClock } from './helpers.js';

interface Seen {
  name: string;
  key?: string;
  keys?: readonly string[];
  count?: number;
  size?: number;
  result?: unknown;
  error?: string;
}

/** A layer that writes down each operation once it settled. */
function recorder(): Layer & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    name: 'recorder',
    seen,
    operation<T>(op: Operation, run: () => Promise<T>): Promise<T> {
      const entry = (extra: Partial<Seen>): Seen => {
        const s: Seen = { name: op.name, ...extra };
        for (const k of ['key', 'keys', 'count', 'size'] as const) if (op[k] !== undefined) Object.assign(s, { [k]: op[k] });
        return s;
      };
      return run().then(
        (v) => (seen.push(entry({ result: v })), v),
        (e: unknown) => {
          seen.push(entry({ error: (e as { code?: string }).code ?? 'none' }));
          throw e;
        },
      );
    },
  };
}

describe('the operation stage', () => {
  it('sees each method once, with its key or keys, the stored size of writes and the result before defaults', async () => {
    const r = recorder();
    const kv = createKernel({ driver: memoryDriver(), layers: [r] });
    await kv.set('a', 'xyz');
    expect(await kv.get('a')).toBe('xyz');
    expect(await kv.get('absent', 'dflt')).toBe('dflt');
    await kv.setMany({ b: 1, c: 2 });
    expect(await kv.getMany(['b', 'nope'])).toEqual([1, undefined]);
    await kv.batch([{ type: 'set', key: 'd', value: 4 }, { type: 'remove', key: 'a' }]);
    await kv.remove('b');
    expect(await kv.has('c')).toBe(true);
    expect(await kv.keys()).toEqual(['c', 'd']);
    expect((await kv.scan()).length).toBe(2);
    await kv.clear();
    const { seen } = r;
    expect(seen.map((s) => s.name)).toEqual(['set', 'get', 'get', 'setMany', 'getMany', 'batch', 'remove', 'has', 'keys', 'scan', 'clear']);
    const [set, hit, miss, setMany, getMany, batch, remove] = seen;
    expect(set).toMatchObject({ key: 'a', result: undefined });
    expect(set?.size).toBeGreaterThan(3); // the key and the serialized value
    expect(hit).toEqual({ name: 'get', key: 'a', result: 'xyz' });
    expect(miss).toEqual({ name: 'get', key: 'absent', result: undefined }); // the stage sees the miss, not the default
    expect(setMany).toMatchObject({ count: 2 });
    expect(setMany?.size).toBeGreaterThan(0);
    expect(getMany).toEqual({ name: 'getMany', keys: ['b', 'nope'], result: [1, undefined] });
    expect(batch).toMatchObject({ count: 2 });
    expect(remove).toEqual({ name: 'remove', key: 'b', result: undefined });
  });

  it('sees refusals and failures as the caller does: validation, closed', async () => {
    const r = recorder();
    const kv = createKernel({ driver: memoryDriver(), layers: [r] });
    await expect(kv.set('', 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(kv.get('x'.repeat(5000))).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(kv.getMany('k' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(kv.batch([null] as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await kv.close();
    await expect(kv.has('k')).rejects.toMatchObject({ code: 'closed' });
    expect(r.seen.map((s) => [s.name, s.error])).toEqual([
      ['set', 'invalid-argument'], ['get', 'invalid-argument'], ['getMany', 'invalid-argument'], ['batch', 'invalid-argument'], ['has', 'closed'],
    ]);
  });

  it('sees the steps of whole-namespace functions and background writes by the names they run under', async () => {
    const clock = fakeClock();
    const r = recorder();
    const s = createStorage({ driver: memoryDriver(), clock, broadcast: false });
    contextOf(s).attach(r);
    await s.set('short', 1, { ttl: 10 });
    const backup = await exportData(s);
    expect((await getRecord(s, 'short'))?.value).toBe(1);
    expect(await applyRecords(s, [{ key: 'pulled', value: 2 }])).toEqual(['pulled']);
    expect(await importData(s, backup)).toBe(1);
    await clock.advance(20);
    expect(await s.get('short')).toBeUndefined(); // expired: the expiry layer deletes it in the background
    await s.keys(); // after the background delete (it is queued in the write lane before this read)
    const names = r.seen.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['exportData', 'getRecord', 'applyRecords', 'importData', 'expire']));
    expect(r.seen.find((x) => x.name === 'getRecord')?.result).toMatchObject({ value: 1 });
    // Each method counted once: setMany and remove do not also appear as batch.
    expect(names.filter((n) => n === 'set' || n === 'get' || n === 'keys')).toEqual(['set', 'get', 'keys']);
  });

  it('attached at run time: once however often attached, gone once detached, absent by default', async () => {
    const r = recorder();
    const kv = createKernel({ driver: memoryDriver() });
    await kv.set('before', 1);
    const detach = contextOf(kv).attach(r);
    const again = contextOf(kv).attach(r);
    await kv.get('before');
    again(); // a no-op: the second attach added nothing
    await kv.get('before');
    detach();
    await kv.get('before');
    expect(r.seen.map((s) => s.name)).toEqual(['get', 'get']);
  });

  it('stages run outer first, each around the next', async () => {
    const order: string[] = [];
    const stage = (name: string): Layer => ({
      name,
      async operation<T>(op: Operation, run: () => Promise<T>): Promise<T> {
        order.push(`${name}>`);
        const v = await run();
        order.push(`<${name}`);
        return v;
      },
    });
    const kv = createKernel({ driver: memoryDriver(), layers: [stage('outer')] });
    contextOf(kv).attach(stage('attached'));
    await kv.has('k');
    expect(order).toEqual(['outer>', 'attached>', '<attached', '<outer']);
  });
});
