import {
  and,
  Bytes,
  collection,
  collectionGroup,
  doc,
  documentId,
  endAt,
  endBefore,
  GeoPoint,
  getDocs,
  limit,
  limitToLast,
  or,
  orderBy,
  query,
  setDoc,
  startAfter,
  startAt,
  Timestamp,
  where,
  writeBatch,
  type Firestore,
  type Query,
} from 'firebase/firestore/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { codeOf, connect, disconnectAll, emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
let db: Firestore;
const PROJECT = 'demo-queries';

const ids = async (q: Query): Promise<string[]> => (await getDocs(q)).docs.map((d) => d.id);

beforeAll(async () => {
  emulator = await emulatorFor();
  db = connect(emulator, { projectId: PROJECT });
  const batch = writeBatch(db);
  const items: Record<string, Record<string, unknown>> = {
    a: { n: 1, s: 'apple', tags: ['red', 'fruit'], opt: null, group: 'x' },
    b: { n: 2, s: 'banana', tags: ['yellow', 'fruit'], opt: 5, group: 'x' },
    c: { n: 3.5, s: 'cherry', tags: ['red'], opt: NaN, group: 'y' },
    d: { n: 4, s: 'date', tags: [], group: 'y' },
    e: { s: 'elder', tags: ['green', 'fruit'], opt: 'text', group: 'z' },
    f: { n: NaN, s: 'fig', group: 'z' },
    g: { n: null, s: 'grape', tags: ['green', 'fruit'], group: 'x' },
  };
  for (const [id, data] of Object.entries(items)) batch.set(doc(db, 'items', id), data);
  await batch.commit();
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

const items = () => collection(db, 'items');

describe('filters', () => {
  it('compares numbers within their type class only; NaN and null never match ranges', async () => {
    expect(await ids(query(items(), where('n', '<', 3)))).toEqual(['a', 'b']);
    expect(await ids(query(items(), where('n', '<=', 3.5)))).toEqual(['a', 'b', 'c']);
    expect(await ids(query(items(), where('n', '>', 2)))).toEqual(['c', 'd']);
    expect(await ids(query(items(), where('n', '>=', 2)))).toEqual(['b', 'c', 'd']);
    expect(await ids(query(items(), where('s', '>=', 'd')))).toEqual(['d', 'e', 'f', 'g']);
  });

  it('== compares ints and doubles by value, != excludes missing and null', async () => {
    expect(await ids(query(items(), where('n', '==', 2.0)))).toEqual(['b']);
    expect(await ids(query(items(), where('n', '!=', 2)))).toEqual(['f', 'a', 'c', 'd']);
    expect(await ids(query(items(), where('n', '==', null)))).toEqual(['g']);
    expect(await ids(query(items(), where('n', '==', NaN)))).toEqual(['f']);
    expect(await ids(query(items(), where('n', '!=', null)))).toEqual(['f', 'a', 'b', 'c', 'd']);
    expect(await ids(query(items(), where('n', '!=', NaN)))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('array-contains, array-contains-any, in and not-in', async () => {
    expect(await ids(query(items(), where('tags', 'array-contains', 'red')))).toEqual(['a', 'c']);
    expect(await ids(query(items(), where('tags', 'array-contains-any', ['yellow', 'green'])))).toEqual(['b', 'e', 'g']);
    expect(await ids(query(items(), where('s', 'in', ['apple', 'fig', 'nope'])))).toEqual(['a', 'f']);
    expect(await ids(query(items(), where('tags', 'in', [['red'], ['red', 'fruit']])))).toEqual(['a', 'c']);
    expect(await ids(query(items(), where('opt', 'not-in', [5, 'text'])))).toEqual(['c']);
    expect(await ids(query(items(), where('group', 'not-in', ['x'])))).toEqual(['c', 'd', 'e', 'f']);
    expect(await ids(query(items(), where('n', 'in', [1, 4.0])))).toEqual(['a', 'd']);
  });

  it('composite AND / OR, nested', async () => {
    const q = query(items(), or(where('group', '==', 'z'), and(where('group', '==', 'x'), where('tags', 'array-contains', 'yellow'))));
    expect(await ids(q)).toEqual(['b', 'e', 'f']);
    const q2 = query(items(), and(where('group', 'in', ['x', 'y']), or(where('n', '>', 3), where('s', '==', 'apple'))));
    expect((await ids(q2)).sort()).toEqual(['a', 'c', 'd']);
  });

  it('filters on document ids', async () => {
    expect(await ids(query(items(), where(documentId(), '>', 'e')))).toEqual(['f', 'g']);
    expect(await ids(query(items(), where(documentId(), 'in', ['b', 'd'])))).toEqual(['b', 'd']);
  });
});

describe('ordering', () => {
  it('orders across types: null < bool < NaN < numbers < timestamps < strings < bytes < references < geo points < arrays < maps', async () => {
    const local = connect(emulator, { projectId: 'demo-order' });
    const values: [string, unknown][] = [
      ['k11', { m: 1 }],
      ['k10', [1, 2]],
      ['k09', new GeoPoint(1, 1)],
      ['k08', doc(local, 'x', 'y')],
      ['k07', Bytes.fromUint8Array(new Uint8Array([1]))],
      ['k06', 'str'],
      ['k05', Timestamp.fromMillis(0)],
      ['k04', 2.5],
      ['k03', 1],
      ['k02', NaN],
      ['k01', true],
      ['k00', null],
    ];
    const batch = writeBatch(local);
    for (const [id, v] of values) batch.set(doc(local, 'mixed', id), { v });
    await batch.commit();
    expect(await ids(query(collection(local, 'mixed'), orderBy('v')))).toEqual(values.map(([id]) => id).reverse());
    expect(await ids(query(collection(local, 'mixed'), orderBy('v', 'desc')))).toEqual(values.map(([id]) => id));
  });

  it('orders strings by UTF-8 bytes, not UTF-16 code units', async () => {
    const local = connect(emulator, { projectId: 'demo-utf8' });
    // UTF-16 order would be a < é < 😀 (D83D…) < \uFFFF; UTF-8 order puts the emoji last.
    const batch = writeBatch(local);
    batch.set(doc(local, 's', '1'), { v: '\u{1F600}' });
    batch.set(doc(local, 's', '2'), { v: '\uFFFF' });
    batch.set(doc(local, 's', '3'), { v: 'a' });
    batch.set(doc(local, 's', '4'), { v: 'é' });
    batch.set(doc(local, 's', '5'), { v: 'ab' });
    await batch.commit();
    expect(await ids(query(collection(local, 's'), orderBy('v')))).toEqual(['3', '5', '4', '2', '1']);
    expect(await ids(query(collection(local, 's'), where('v', '>', '\uFFFF')))).toEqual(['1']);
  });

  it('excludes documents lacking an orderBy field and breaks ties by document id', async () => {
    expect(await ids(query(items(), orderBy('opt')))).toEqual(['a', 'c', 'b', 'e']);
    expect(await ids(query(items(), orderBy('group', 'desc')))).toEqual(['f', 'e', 'd', 'c', 'g', 'b', 'a']);
  });

  it('rejects __name__ before other order fields when inequalities exist', async () => {
    const r = await rest(emulator, `projects/${PROJECT}/databases/(default)/documents:runQuery`, {
      structuredQuery: {
        from: [{ collectionId: 'items' }],
        where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'GREATER_THAN', value: { integerValue: '1' } } },
        orderBy: [{ field: { fieldPath: '__name__' } }, { field: { fieldPath: 'n' } }],
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'order by clause cannot contain more fields after the key' });
  });
});

describe('cursors and limits', () => {
  const byN = () => query(items(), orderBy('n'));

  it('startAt / startAfter / endAt / endBefore, by value and by snapshot', async () => {
    expect(await ids(query(byN(), startAt(2)))).toEqual(['b', 'c', 'd']);
    expect(await ids(query(byN(), startAfter(2)))).toEqual(['c', 'd']);
    // null sorts before NaN, which sorts before every number.
    expect(await ids(query(byN(), endAt(2)))).toEqual(['g', 'f', 'a', 'b']);
    expect(await ids(query(byN(), endBefore(2)))).toEqual(['g', 'f', 'a']);
    const snap = (await getDocs(query(items(), orderBy('group'), limit(2)))).docs[1];
    expect(snap?.id).toBe('b');
    expect(await ids(query(items(), orderBy('group'), startAfter(snap)))).toEqual(['g', 'c', 'd', 'e', 'f']);
    expect(await ids(query(items(), orderBy('group', 'desc'), startAt('y'), endAt('x')))).toEqual(['d', 'c', 'g', 'b', 'a']);
  });

  it('limit and limitToLast', async () => {
    expect(await ids(query(byN(), limit(3)))).toEqual(['g', 'f', 'a']);
    expect(await ids(query(byN(), limitToLast(2)))).toEqual(['c', 'd']);
    expect(await ids(query(byN(), startAfter(1), limitToLast(2)))).toEqual(['c', 'd']);
  });

  it('offset (REST) reports skippedResults', async () => {
    const r = await rest(emulator, `projects/${PROJECT}/databases/(default)/documents:runQuery`, {
      structuredQuery: { from: [{ collectionId: 'items' }], orderBy: [{ field: { fieldPath: 's' } }], offset: 5, limit: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(1);
    expect(r.json[0].document.name).toBe(`projects/${PROJECT}/databases/(default)/documents/items/f`);
    expect(r.json[0].skippedResults).toBe(5);
    const none = await rest(emulator, `projects/${PROJECT}/databases/(default)/documents:runQuery`, {
      structuredQuery: { from: [{ collectionId: 'nothing' }] },
    });
    expect(none.json).toEqual([{ readTime: expect.any(String) }]);
  });
});

describe('collections', () => {
  it('plain queries see direct children only; collection groups see every depth', async () => {
    const local = connect(emulator, { projectId: 'demo-groups' });
    await setDoc(doc(local, 'posts', 'p1'), { v: 1 });
    await setDoc(doc(local, 'users', 'u1', 'posts', 'p2'), { v: 2 });
    await setDoc(doc(local, 'users', 'u1', 'posts', 'p2', 'posts', 'p3'), { v: 3 });
    await setDoc(doc(local, 'users', 'u2', 'posts', 'p4'), { v: 4 });
    await setDoc(doc(local, 'users', 'u1', 'other', 'x'), { v: 5 });
    expect(await ids(collection(local, 'posts'))).toEqual(['p1']);
    expect(await ids(collection(local, 'users', 'u1', 'posts'))).toEqual(['p2']);
    expect(await ids(query(collectionGroup(local, 'posts'), orderBy('v')))).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(await ids(query(collectionGroup(local, 'posts'), where('v', '>=', 3)))).toEqual(['p3', 'p4']);
    // A collection-group query scoped under a document (REST: parent in the URL).
    const r = await rest(emulator, 'projects/demo-groups/databases/(default)/documents/users/u1:runQuery', {
      structuredQuery: { from: [{ collectionId: 'posts', allDescendants: true }] },
    });
    expect(r.json.map((x: { document: { name: string } }) => x.document.name.split('/').pop())).toEqual(['p2', 'p3']);
  });

  it('rejects reserved ids in queries and documents', async () => {
    const local = connect(emulator, { projectId: 'demo-reserved' });
    expect(await codeOf(setDoc(doc(local, 'c', '__bad__'), { a: 1 }))).toBe('failed-precondition');
    expect(await codeOf(getDocs(collection(local, '__bad__')))).toBe('failed-precondition');
    await setDoc(doc(local, 'c', '__id7__'), { a: 1 }); // legacy numeric ids stay legal
  });
});

describe('REST-only query features', () => {
  const run = (structuredQuery: unknown) => rest(emulator, `projects/${PROJECT}/databases/(default)/documents:runQuery`, { structuredQuery });

  it('select projects fields; an empty select returns names only', async () => {
    const r = await run({ from: [{ collectionId: 'items' }], select: { fields: [{ fieldPath: 's' }] }, where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'EQUAL', value: { integerValue: '1' } } } });
    expect(r.json[0].document.fields).toEqual({ s: { stringValue: 'apple' } });
    const keys = await run({ from: [{ collectionId: 'items' }], select: { fields: [] }, limit: 1 });
    expect(keys.json[0].document.fields).toEqual({});
  });

  it('validates list sizes, cursor arity and __name__ operands', async () => {
    const many = Array.from({ length: 31 }, (_, i) => ({ integerValue: String(i) }));
    const cases = [
      { from: [{ collectionId: 'items' }], where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'IN', value: { arrayValue: { values: many } } } } },
      { from: [{ collectionId: 'items' }], where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'NOT_IN', value: { arrayValue: { values: many.slice(0, 11) } } } } },
      { from: [{ collectionId: 'items' }], orderBy: [{ field: { fieldPath: 'n' } }], startAt: { values: [{ integerValue: '1' }, { stringValue: 'x' }, { integerValue: '2' }] } },
      { from: [{ collectionId: 'items' }], where: { fieldFilter: { field: { fieldPath: '__name__' }, op: 'EQUAL', value: { stringValue: 'a' } } } },
      { from: [{ collectionId: 'items' }, { collectionId: 'other' }] },
      { from: [{ collectionId: 'items' }], where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'LIKE', value: { integerValue: '1' } } } },
    ];
    for (const sq of cases) {
      const r = await run(sq);
      expect(r.status, JSON.stringify(sq)).toBe(400);
      expect(r.json.error.status).toBe('INVALID_ARGUMENT');
    }
  });
});
