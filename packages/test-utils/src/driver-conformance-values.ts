import { expect, it } from 'vitest';
import { valuesOf } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { TRICKY_KEYS } from './driver-test-helpers.js';

/**
 * Part of `describeDriverConformance`: `values(prefix, options)` — the optional one-request read of
 * values that carry their key — returns exactly the values `entries` returns, in the same order,
 * for every prefix and page. A driver without it is checked through `valuesOf`, its fallback.
 */
export function describeValuesRead(d: () => Driver): void {
  const putAll = (keys: readonly string[]) => d().batch(keys.map((key, i) => ({ type: 'put' as const, key, value: { i, key } })));
  const same = async (prefix: string, options?: { after?: string; limit?: number }) => {
    const entries = await d().entries(prefix, options);
    expect(await valuesOf(d(), prefix, options)).toEqual(entries.map(([, v]) => v));
    if (d().values) expect(await d().values!(prefix, options)).toEqual(entries.map(([, v]) => v));
    return entries.length;
  };

  it('values(prefix) is entries(prefix) without the keys: same values, same order, same pages', async () => {
    await putAll(TRICKY_KEYS);
    await putAll(['p:a', 'p:b', 'p:c', 'q']);
    expect(await same('')).toBe(TRICKY_KEYS.length + 4);
    for (const prefix of ['a:', 'a', 'a\u0000', 'a\uffff', '\uffff', 'p:', 'nothing']) await same(prefix);
    for (const options of [{ after: 'p:a' }, { limit: 2 }, { after: 'p:a', limit: 1 }, { limit: 0 }, { after: 'zzz' }]) await same('p:', options);
    expect(await same('p:', { after: 'p:a', limit: 1 })).toBe(1);
    expect(await valuesOf(d(), 'p:', { after: 'p:a', limit: 1 })).toEqual([{ i: 1, key: 'p:b' }]);
  });

  it('values() returns copies: changing one changes nothing stored', async () => {
    await putAll(['v:1']);
    const [first] = (await valuesOf(d(), 'v:')) as [{ i: number }];
    first.i = 99;
    expect(await valuesOf(d(), 'v:')).toEqual([{ i: 0, key: 'v:1' }]);
  });
}
