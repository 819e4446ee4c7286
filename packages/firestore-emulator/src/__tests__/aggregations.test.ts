import { average, collection, count, doc, getAggregate, getCount, limit, query, sum, where, writeBatch } from 'firebase/firestore/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { connect, disconnectAll, emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
const P = 'demo-agg';
const base = `projects/${P}/databases/(default)/documents`;

beforeAll(async () => {
  emulator = await emulatorFor();
  const db = connect(emulator, { projectId: P });
  const batch = writeBatch(db);
  batch.set(doc(db, 'ints', 'a'), { v: 1, w: 10 });
  batch.set(doc(db, 'ints', 'b'), { v: 2, w: 'text' });
  batch.set(doc(db, 'ints', 'c'), { v: 3 });
  batch.set(doc(db, 'ints', 'd'), { other: true });
  batch.set(doc(db, 'mixed', 'a'), { v: 1 });
  batch.set(doc(db, 'mixed', 'b'), { v: 0.5 });
  batch.set(doc(db, 'big', 'a'), { v: Number.MAX_SAFE_INTEGER });
  batch.set(doc(db, 'nan', 'a'), { v: 1 });
  batch.set(doc(db, 'nan', 'b'), { v: NaN });
  await batch.commit();
  // Values the SDK cannot produce: int64 extremes that overflow on summing.
  const big = (id: string) => ({ update: { name: `${base}/overflow/${id}`, fields: { v: { integerValue: '9223372036854775807' } } } });
  await rest(emulator, `${base}:commit`, { writes: [big('a'), big('b')] });
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

const aggregate = async (collectionId: string, aggregations: unknown[], extra: Record<string, unknown> = {}) => {
  const r = await rest(emulator, `${base}:runAggregationQuery`, {
    structuredAggregationQuery: { aggregations, structuredQuery: { from: [{ collectionId }], ...extra } },
  });
  expect(r.status).toBe(200);
  expect(r.json).toHaveLength(1);
  return r.json[0].result.aggregateFields;
};

describe('aggregations', () => {
  it('count, sum and average through the SDK', async () => {
    const db = connect(emulator, { projectId: P });
    expect((await getCount(collection(db, 'ints'))).data().count).toBe(4);
    expect((await getCount(query(collection(db, 'ints'), where('v', '>=', 2)))).data().count).toBe(2);
    expect((await getCount(query(collection(db, 'ints'), limit(2)))).data().count).toBe(2);
    const agg = await getAggregate(collection(db, 'ints'), { total: sum('v'), mean: average('v'), n: count() });
    // The doc without `v` is excluded from every aggregation of the request, count included.
    expect(agg.data()).toEqual({ total: 6, mean: 2, n: 3 });
    const none = await getAggregate(collection(db, 'empty'), { total: sum('v'), mean: average('v') });
    expect(none.data()).toEqual({ total: 0, mean: null });
    const nan = await getAggregate(collection(db, 'nan'), { total: sum('v'), mean: average('v') });
    expect(nan.data().total).toBeNaN();
    expect(nan.data().mean).toBeNaN();
  });

  it('result types: int sums stay integers, doubles or overflow make doubles, avg is double, count honours upTo', async () => {
    expect(await aggregate('ints', [{ alias: 's', sum: { field: { fieldPath: 'v' } } }, { alias: 'a', avg: { field: { fieldPath: 'v' } } }])).toEqual({
      s: { integerValue: '6' },
      a: { doubleValue: 2 },
    });
    expect(await aggregate('mixed', [{ alias: 's', sum: { field: { fieldPath: 'v' } } }])).toEqual({ s: { doubleValue: 1.5 } });
    expect(await aggregate('overflow', [{ alias: 's', sum: { field: { fieldPath: 'v' } } }])).toEqual({ s: { doubleValue: 18446744073709552000 } });
    expect(await aggregate('ints', [{ alias: 'c', count: { upTo: 2 } }])).toEqual({ c: { integerValue: '2' } });
    // Non-numeric values are skipped by sum/avg but their documents still count as having the field.
    expect(await aggregate('ints', [{ alias: 's', sum: { field: { fieldPath: 'w' } } }, { alias: 'c', count: {} }])).toEqual({
      s: { integerValue: '10' },
      c: { integerValue: '2' },
    });
    expect(await aggregate('none', [{ alias: 'a', avg: { field: { fieldPath: 'v' } } }])).toEqual({ a: { nullValue: null } });
  });

  it('rejects malformed aggregations', async () => {
    const r = await rest(emulator, `${base}:runAggregationQuery`, {
      structuredAggregationQuery: { aggregations: [{ alias: 'x', median: {} }], structuredQuery: { from: [{ collectionId: 'ints' }] } },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.status).toBe('INVALID_ARGUMENT');
  });
});
