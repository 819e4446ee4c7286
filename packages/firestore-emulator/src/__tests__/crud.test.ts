import {
  addDoc,
  Bytes,
  collection,
  deleteDoc,
  doc,
  GeoPoint,
  getDoc,
  getDocs,
  setDoc,
  Timestamp,
  updateDoc,
  vector,
  writeBatch,
  deleteField,
  query,
  where,
} from 'firebase/firestore/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { codeOf, connect, disconnectAll, emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await emulatorFor();
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

describe('CRUD through firebase/firestore/lite', () => {
  it('creates, reads, merges, updates and deletes a document', async () => {
    const db = connect(emulator);
    const ref = doc(db, 'notes', 'n1');
    expect((await getDoc(ref)).exists()).toBe(false);
    await setDoc(ref, { title: 'hello', tags: ['a'], nested: { x: 1, y: 2 } });
    expect((await getDoc(ref)).data()).toEqual({ title: 'hello', tags: ['a'], nested: { x: 1, y: 2 } });
    await setDoc(ref, { nested: { y: 3 }, extra: true }, { merge: true });
    expect((await getDoc(ref)).data()).toEqual({ title: 'hello', tags: ['a'], nested: { x: 1, y: 3 }, extra: true });
    await updateDoc(ref, { 'nested.x': deleteField(), title: 'changed', 'deep.new.path': 5 });
    expect((await getDoc(ref)).data()).toEqual({ title: 'changed', tags: ['a'], nested: { y: 3 }, extra: true, deep: { new: { path: 5 } } });
    await setDoc(ref, { only: 1 });
    expect((await getDoc(ref)).data()).toEqual({ only: 1 });
    await deleteDoc(ref);
    expect((await getDoc(ref)).exists()).toBe(false);
    await deleteDoc(ref); // deleting a missing document is fine
  });

  it('addDoc creates a document with a generated id in a sub-collection', async () => {
    const db = connect(emulator);
    const added = await addDoc(collection(db, 'users', 'u1', 'notes'), { n: 1 });
    expect(added.path).toMatch(/^users\/u1\/notes\/[A-Za-z0-9]{20}$/);
    expect((await getDoc(added)).get('n')).toBe(1);
    const all = await getDocs(collection(db, 'users', 'u1', 'notes'));
    expect(all.docs.map((d) => d.id)).toEqual([added.id]);
  });

  it('updateDoc on a missing document is not-found and writes nothing', async () => {
    const db = connect(emulator);
    const ref = doc(db, 'c', 'missing');
    expect(await codeOf(updateDoc(ref, { a: 1 }))).toBe('not-found');
    expect((await getDoc(ref)).exists()).toBe(false);
  });

  it('a write batch is atomic: one failing precondition applies nothing', async () => {
    const db = connect(emulator);
    await setDoc(doc(db, 'c', 'keep'), { v: 1 });
    const batch = writeBatch(db);
    batch.set(doc(db, 'c', 'new'), { v: 2 });
    batch.update(doc(db, 'c', 'keep'), { v: 3 });
    batch.delete(doc(db, 'c', 'keep2'));
    batch.update(doc(db, 'c', 'absent'), { v: 4 }); // exists:true precondition fails
    expect(await codeOf(batch.commit())).toBe('not-found');
    expect((await getDoc(doc(db, 'c', 'new'))).exists()).toBe(false);
    expect((await getDoc(doc(db, 'c', 'keep'))).data()).toEqual({ v: 1 });

    const ok = writeBatch(db);
    ok.set(doc(db, 'c', 'new'), { v: 2 });
    ok.update(doc(db, 'c', 'new'), { w: 5 }); // sees the earlier write of the same commit
    await ok.commit();
    expect((await getDoc(doc(db, 'c', 'new'))).data()).toEqual({ v: 2, w: 5 });
  });

  it('round-trips every value type', async () => {
    const db = connect(emulator);
    const ref = doc(db, 'types', 'all');
    const bytes = Bytes.fromUint8Array(new Uint8Array([0, 1, 254, 255]));
    const value = {
      nil: null,
      t: true,
      f: false,
      int: 42,
      negInt: -(2 ** 53 - 1),
      double: 3.25,
      big: 2 ** 53, // beyond safe integers: the SDK sends a double
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      negZero: -0,
      ts: new Timestamp(1_700_000_000, 123_456_000),
      oldTs: new Timestamp(-62_135_596_800, 0),
      str: 'héllo \u{1F600} \uFFFF 日本',
      empty: '',
      bytes,
      ref: doc(db, 'other', 'doc'),
      geo: new GeoPoint(-33.5, 151.25),
      arr: [1, 'two', { three: 3 }, null],
      emptyArr: [],
      map: { a: { b: { c: 'deep' } }, emptyMap: {} },
      vec: vector([1, 2.5, -3]),
    };
    await setDoc(ref, value);
    const snap = await getDoc(ref);
    const got = snap.data() as Record<string, unknown>;
    expect(got.nil).toBeNull();
    expect(got.t).toBe(true);
    expect(got.f).toBe(false);
    expect(got.int).toBe(42);
    expect(got.negInt).toBe(-(2 ** 53 - 1));
    expect(got.double).toBe(3.25);
    expect(got.big).toBe(2 ** 53);
    expect(got.nan).toBeNaN();
    expect(got.inf).toBe(Infinity);
    expect(got.ninf).toBe(-Infinity);
    expect(Object.is(got.negZero, -0)).toBe(true);
    expect((got.ts as Timestamp).isEqual(value.ts)).toBe(true);
    expect((got.oldTs as Timestamp).isEqual(value.oldTs)).toBe(true);
    expect(got.str).toBe(value.str);
    expect(got.empty).toBe('');
    expect((got.bytes as Bytes).isEqual(bytes)).toBe(true);
    expect((got.ref as { path: string }).path).toBe('other/doc');
    expect((got.geo as GeoPoint).isEqual(value.geo)).toBe(true);
    expect(got.arr).toEqual([1, 'two', { three: 3 }, null]);
    expect(got.emptyArr).toEqual([]);
    expect(got.map).toEqual({ a: { b: { c: 'deep' } }, emptyMap: {} });
    expect((got.vec as { toArray(): number[] }).toArray()).toEqual([1, 2.5, -3]);
  });

  it('keeps int vs double and full int64 on the wire', async () => {
    const name = 'projects/demo-wire/databases/(default)/documents/c/d';
    const fields = { i: { integerValue: '9223372036854775807' }, d: { doubleValue: 1 }, n: { integerValue: '-9223372036854775808' } };
    expect((await rest(emulator, 'projects/demo-wire/databases/(default)/documents:commit', { writes: [{ update: { name, fields } }] })).status).toBe(200);
    const got = await rest(emulator, 'projects/demo-wire/databases/(default)/documents:batchGet', { documents: [name] });
    expect(got.json[0].found.fields).toEqual(fields);
    const overflow = await rest(emulator, 'projects/demo-wire/databases/(default)/documents:commit', {
      writes: [{ update: { name, fields: { i: { integerValue: '9223372036854775808' } } } }],
    });
    expect(overflow.status).toBe(400);
    expect(overflow.json.error.status).toBe('INVALID_ARGUMENT');
  });

  it('serves any project and named databases, isolated from each other', async () => {
    const a = connect(emulator, { projectId: 'demo-iso-a' });
    const b = connect(emulator, { projectId: 'demo-iso-b' });
    await setDoc(doc(a, 'c', 'd'), { who: 'a' });
    expect((await getDoc(doc(b, 'c', 'd'))).exists()).toBe(false);
    const named = 'projects/demo-iso-a/databases/named-db/documents';
    await rest(emulator, `${named}:commit`, { writes: [{ update: { name: `${named}/c/d`, fields: { who: { stringValue: 'named' } } } }] });
    const got = await rest(emulator, `${named}:batchGet`, { documents: [`${named}/c/d`] });
    expect(got.json[0].found.fields.who.stringValue).toBe('named');
    expect((await getDoc(doc(a, 'c', 'd'))).get('who')).toBe('a');
    const q = await getDocs(query(collection(a, 'c'), where('who', '==', 'a')));
    expect(q.size).toBe(1);
  });
});
