import { expect, it } from 'vitest';
import type { Driver } from '@stowage/core';
import { TRICKY_KEYS } from './driver-test-helpers.js';

/** Writes one value through a one-op batch (the conformance suite's shorthand). */
export type Put = (key: string, value: unknown) => Promise<void>;

/**
 * Part of `describeDriverConformance`: key order, prefix filtering, paging and
 * `clear(prefix)`. Registers `it` blocks inside the caller's `describe`.
 */
export function describeOrdering(d: () => Driver, put: Put): void {
  const putAll = (keys: readonly string[]) =>
    d().batch(keys.map((key, i) => ({ type: 'put' as const, key, value: { i, key } })));

  it('keys and entries are ordered by UTF-16 code unit, tricky keys included', async () => {
    await putAll(TRICKY_KEYS);
    const expected = [...TRICKY_KEYS].sort();
    expect(await d().keys('')).toEqual(expected);
    const entries = await d().entries('');
    expect(entries.map(([k]) => k)).toEqual(expected);
    for (const [key, value] of entries) expect(value).toEqual({ i: TRICKY_KEYS.indexOf(key), key });
  });

  it('prefix filtering keeps exactly the keys starting with the prefix', async () => {
    await putAll(TRICKY_KEYS);
    expect(await d().keys('a:')).toEqual(['a:', 'a:b']);
    expect(await d().keys('ab')).toEqual(['ab:']);
    expect(await d().keys('a\u0000')).toEqual(['a\u0000', 'a\u0000b']);
    expect(await d().keys('a\uffff')).toEqual(['a\uffff', 'a\uffff\uffffz']);
    expect(await d().keys('\uffff')).toEqual(['\uffff']);
    expect(await d().keys('a')).toEqual(TRICKY_KEYS.filter((k) => k.startsWith('a')).sort());
    expect(await d().keys('nothing')).toEqual([]);
    expect((await d().entries('a:')).map(([k]) => k)).toEqual(['a:', 'a:b']);
    expect(await d().entries('nothing')).toEqual([]);
  });

  it('after + limit page through 250 keys in order without gaps or repeats', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `k:${String(i).padStart(3, '0')}`);
    // Written in a scrambled order, with neighbours just outside the prefix on both sides.
    const scrambled = keys.map((k, i) => keys[(i * 97) % 250] as string);
    expect(new Set(scrambled).size).toBe(250);
    await putAll(['k', 'j:x', 'k;', 'l:x', ...scrambled]);
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await d().entries('k:', { limit: 40, ...(after === undefined ? {} : { after }) });
      sizes.push(page.length);
      if (page.length === 0) break;
      for (const [key, value] of page) {
        expect(value).toEqual({ i: expect.any(Number), key });
        seen.push(key);
      }
      after = page[page.length - 1]?.[0];
    }
    expect(sizes).toEqual([40, 40, 40, 40, 40, 40, 10, 0]);
    expect(seen).toEqual(keys);
  });

  it('after may be any string; limit 0 and large limits behave', async () => {
    await putAll(['p:a', 'p:b', 'p:c', 'q']);
    const keysOf = async (o: { after?: string; limit?: number }) => (await d().entries('p:', o)).map(([k]) => k);
    expect(await keysOf({ after: 'p:ab' })).toEqual(['p:b', 'p:c']);
    expect(await keysOf({ after: 'a' })).toEqual(['p:a', 'p:b', 'p:c']);
    expect(await keysOf({ after: 'p:' })).toEqual(['p:a', 'p:b', 'p:c']);
    expect(await keysOf({ after: 'p:c' })).toEqual([]);
    expect(await keysOf({ after: 'zzz' })).toEqual([]);
    expect(await keysOf({ limit: 0 })).toEqual([]);
    expect(await keysOf({ limit: 2 })).toEqual(['p:a', 'p:b']);
    expect(await keysOf({ limit: 1000 })).toEqual(['p:a', 'p:b', 'p:c']);
    expect((await d().entries('', { after: 'p:b' })).map(([k]) => k)).toEqual(['p:c', 'q']);
  });

  it('clear(prefix) deletes only that prefix, leaving siblings intact', async () => {
    await putAll(['a', 'a:', 'a:1', 'a:2', 'ab:1', 'b', 'a;']);
    await d().clear('a:');
    expect(await d().keys('')).toEqual(['a', 'a;', 'ab:1', 'b']);
    await d().clear('nothing');
    expect(await d().keys('')).toEqual(['a', 'a;', 'ab:1', 'b']);
    expect(await d().get('ab:1')).toEqual({ i: 4, key: 'ab:1' });
  });

  it("clear('') deletes everything", async () => {
    await putAll(TRICKY_KEYS);
    await d().clear('');
    expect(await d().keys('')).toEqual([]);
    expect(await d().getMany(['a', ''])).toEqual([undefined, undefined]);
    await put('after', 1);
    expect(await d().keys('')).toEqual(['after']);
  });
}
