import {
  arrayRemove,
  arrayUnion,
  doc,
  getDoc,
  increment,
  runTransaction,
  serverTimestamp,
  setDoc,
  Timestamp,
  updateDoc,
} from 'firebase/firestore/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { codeOf, connect, disconnectAll, emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
const P = 'demo-writes';
const base = `projects/${P}/databases/(default)/documents`;
const name = (path: string) => `${base}/${path}`;
const commitRaw = (writes: unknown[]) => rest(emulator, `${base}:commit`, { writes });
const getRaw = async (path: string) => (await rest(emulator, `${base}:batchGet`, { documents: [name(path)] })).json[0];

beforeAll(async () => {
  emulator = await emulatorFor();
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

describe('field transforms', () => {
  it('serverTimestamp, increment, arrayUnion, arrayRemove through the SDK', async () => {
    const db = connect(emulator, { projectId: P });
    const ref = doc(db, 't', 'sdk');
    await setDoc(ref, { count: 1, list: [1, 2, 2, 3], nested: { at: serverTimestamp() } });
    await updateDoc(ref, { count: increment(2), list: arrayRemove(2), tags: arrayUnion('a', 'b', 'a'), at: serverTimestamp() });
    await updateDoc(ref, { count: increment(0.5), tags: arrayUnion('b', 'c') });
    const data = (await getDoc(ref)).data() as Record<string, unknown>;
    expect(data.count).toBe(3.5);
    expect(data.list).toEqual([1, 3]);
    expect(data.tags).toEqual(['a', 'b', 'c']);
    expect(data.at).toBeInstanceOf(Timestamp);
    expect((data.nested as { at: unknown }).at).toBeInstanceOf(Timestamp);
  });

  it('returns transformResults and uses one request time for every field and document of a commit', async () => {
    const r = await commitRaw([
      {
        update: { name: name('t/a'), fields: { i: { integerValue: '9223372036854775806' }, s: { stringValue: 'x' } } },
        updateTransforms: [
          { fieldPath: 'i', increment: { integerValue: '5' } },
          { fieldPath: 's', increment: { integerValue: '7' } },
          { fieldPath: 'now', setToServerValue: 'REQUEST_TIME' },
          { fieldPath: 'm.x', maximum: { doubleValue: 2.5 } },
          { fieldPath: 'arr', appendMissingElements: { values: [{ integerValue: '1' }] } },
        ],
      },
      { update: { name: name('t/b'), fields: {} }, updateTransforms: [{ fieldPath: 'now', setToServerValue: 'REQUEST_TIME' }] },
    ]);
    expect(r.status).toBe(200);
    const [first, second] = r.json.writeResults;
    expect(first.transformResults).toEqual([
      { integerValue: '9223372036854775807' }, // int + int saturates at int64 max
      { integerValue: '7' }, // non-numeric field takes the operand
      { timestampValue: r.json.commitTime },
      { doubleValue: 2.5 },
      { nullValue: null },
    ]);
    expect(second.transformResults).toEqual([{ timestampValue: r.json.commitTime }]);
    expect(first.updateTime).toBe(r.json.commitTime);
  });

  it('maximum / minimum: numeric comparison across int and double, NaN wins, equal keeps the stored value', async () => {
    await commitRaw([{ update: { name: name('t/m'), fields: { a: { integerValue: '3' }, b: { integerValue: '3' }, c: { integerValue: '1' }, d: { integerValue: '5' } } } }]);
    const r = await commitRaw([
      {
        update: { name: name('t/m'), fields: {} },
        updateMask: { fieldPaths: [] },
        updateTransforms: [
          { fieldPath: 'a', maximum: { doubleValue: 3 } },
          { fieldPath: 'b', maximum: { doubleValue: 'NaN' } },
          { fieldPath: 'c', maximum: { doubleValue: 1.5 } },
          { fieldPath: 'd', minimum: { doubleValue: 4.5 } },
          { fieldPath: 'e', minimum: { integerValue: '-2' } },
        ],
      },
    ]);
    expect(r.json.writeResults[0].transformResults).toEqual([
      { integerValue: '3' },
      { doubleValue: 'NaN' },
      { doubleValue: 1.5 },
      { doubleValue: 4.5 },
      { integerValue: '-2' },
    ]);
  });

  it('array transforms use numeric equality (3 == 3.0), NaN == NaN and null == null', async () => {
    await commitRaw([
      {
        update: {
          name: name('t/arr'),
          fields: { a: { arrayValue: { values: [{ integerValue: '3' }, { doubleValue: 'NaN' }, { nullValue: null }, { stringValue: 's' }] } } },
        },
      },
    ]);
    await commitRaw([
      {
        update: { name: name('t/arr'), fields: {} },
        updateMask: { fieldPaths: [] },
        updateTransforms: [
          { fieldPath: 'a', appendMissingElements: { values: [{ doubleValue: 3 }, { doubleValue: 'NaN' }, { nullValue: null }, { integerValue: '4' }] } },
        ],
      },
    ]);
    expect((await getRaw('t/arr')).found.fields.a.arrayValue.values).toHaveLength(5);
    await commitRaw([
      {
        update: { name: name('t/arr'), fields: {} },
        updateMask: { fieldPaths: [] },
        updateTransforms: [{ fieldPath: 'a', removeAllFromArray: { values: [{ doubleValue: 3 }, { doubleValue: 'NaN' }, { nullValue: null }] } }],
      },
    ]);
    expect((await getRaw('t/arr')).found.fields.a.arrayValue.values).toEqual([{ stringValue: 's' }, { integerValue: '4' }]);
  });
});

describe('commit semantics', () => {
  it('update masks merge: listed paths copied or deleted, others untouched, escaped paths supported', async () => {
    await commitRaw([{ update: { name: name('m/1'), fields: { keep: { integerValue: '1' }, drop: { integerValue: '2' }, m: { mapValue: { fields: { a: { integerValue: '1' } } } } } } }]);
    const r = await commitRaw([
      {
        update: { name: name('m/1'), fields: { 'a.b': { stringValue: 'dotted' }, m: { mapValue: { fields: { b: { integerValue: '2' } } } }, ignored: { integerValue: '9' } } },
        updateMask: { fieldPaths: ['`a.b`', 'drop', 'm.b', 'x.y.z'] },
      },
    ]);
    expect(r.status).toBe(200);
    expect((await getRaw('m/1')).found.fields).toEqual({
      keep: { integerValue: '1' },
      m: { mapValue: { fields: { a: { integerValue: '1' }, b: { integerValue: '2' } } } },
      'a.b': { stringValue: 'dotted' },
    });
  });

  it('identical writes keep their update time; commit times are strictly monotonic', async () => {
    const w = { update: { name: name('same/1'), fields: { v: { integerValue: '1' } } } };
    const first = await commitRaw([w]);
    const again = await commitRaw([w]);
    expect(again.json.writeResults[0].updateTime).toBe(first.json.writeResults[0].updateTime);
    expect(again.json.commitTime > first.json.commitTime).toBe(true);
    const changed = await commitRaw([{ update: { name: name('same/1'), fields: { v: { doubleValue: 1 } } } }]);
    expect(changed.json.writeResults[0].updateTime).toBe(changed.json.commitTime); // int 1 → double 1.0 is a change
    const times: string[] = [];
    for (let i = 0; i < 20; i++) times.push((await commitRaw([])).json.commitTime);
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] as string))).toBe(true);
    const doc = await getRaw('same/1');
    expect(doc.found.createTime).toBe(first.json.commitTime);
  });

  it('preconditions: exists and updateTime, verify, with Firestore error statuses', async () => {
    const created = await commitRaw([{ update: { name: name('p/1'), fields: {} }, currentDocument: { exists: false } }]);
    expect(created.status).toBe(200);
    const dup = await commitRaw([{ update: { name: name('p/1'), fields: {} }, currentDocument: { exists: false } }]);
    expect(dup.status).toBe(409);
    expect(dup.json.error.status).toBe('ALREADY_EXISTS');
    const missing = await commitRaw([{ verify: name('p/404'), currentDocument: { exists: true } }]);
    expect(missing.status).toBe(404);
    expect(missing.json.error.status).toBe('NOT_FOUND');
    const t = created.json.writeResults[0].updateTime as string;
    // The SDK sends nanosecond precision; equal microseconds must match.
    const nanos = t.replace('Z', '000Z');
    expect((await commitRaw([{ verify: name('p/1'), currentDocument: { updateTime: nanos } }])).status).toBe(200);
    const stale = await commitRaw([{ delete: name('p/1'), currentDocument: { updateTime: '2000-01-01T00:00:00Z' } }]);
    expect(stale.status).toBe(400);
    expect(stale.json.error.status).toBe('FAILED_PRECONDITION');
    expect(stale.json.error.message).toMatch(/does not match the required base version/);
    expect((await getRaw('p/1')).found).toBeDefined();
  });

  it('rejects invalid names, reserved ids, foreign databases and oversized documents with INVALID_ARGUMENT', async () => {
    const bad = async (writes: unknown[]) => {
      const r = await commitRaw(writes);
      expect(r.status).toBe(400);
      expect(r.json.error.status).toBe('INVALID_ARGUMENT');
    };
    await bad([{ update: { name: name('c/__reserved__'), fields: {} } }]);
    await bad([{ update: { name: name('__reserved__/d'), fields: {} } }]);
    await bad([{ update: { name: name('c/..'), fields: {} } }]);
    await bad([{ update: { name: name('c'), fields: {} } }]);
    await bad([{ update: { name: 'projects/other/databases/(default)/documents/c/d', fields: {} } }]);
    await bad([{ update: { name: name('c/d'), fields: { x: { wat: 1 } } } }]);
    const malformed = await rest(emulator, `${base}:commit`, '{"writes": [');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.status).toBe('INVALID_ARGUMENT');

    // Size: name c/d = (1+1)+(1+1)+16 = 20; field "s" = 1+1 + (len+1); +32 → len + 55 bytes.
    const limit = 1_048_576;
    const atLimit = 'x'.repeat(limit - 55);
    expect((await commitRaw([{ update: { name: name('c/d'), fields: { s: { stringValue: atLimit } } } }])).status).toBe(200);
    await bad([{ update: { name: name('c/d'), fields: { s: { stringValue: atLimit + 'x' } } } }]);
    expect((await getRaw('c/d')).found.fields.s.stringValue).toHaveLength(limit - 55);
  });

  it('the SDK sees invalid-argument as failed-precondition and already-exists as aborted', async () => {
    const db = connect(emulator, { projectId: P });
    expect(await codeOf(setDoc(doc(db, 'big', 'doc'), { s: 'x'.repeat(1_100_000) }))).toBe('failed-precondition');
    const ref = doc(db, 'race', 'create');
    const other = connect(emulator, { projectId: P });
    const code = await codeOf(
      runTransaction(
        db,
        async (tx) => {
          const snap = await tx.get(ref);
          expect(snap.exists()).toBe(false);
          await setDoc(doc(other, 'race', 'create'), { by: 'other' }); // someone creates it meanwhile
          tx.set(ref, { by: 'tx' });
        },
        { maxAttempts: 1 },
      ),
    );
    expect(code).toBe('aborted');
    expect((await getDoc(ref)).get('by')).toBe('other');
  });
});

describe('transactions', () => {
  it('two concurrent increments on one document both succeed after retry', async () => {
    const a = connect(emulator, { projectId: P });
    const b = connect(emulator, { projectId: P });
    await setDoc(doc(a, 'tx', 'counter'), { n: 0 });
    let attempts = 0;
    const bump = (db: typeof a) =>
      runTransaction(db, async (tx) => {
        attempts++;
        const snap = await tx.get(doc(db, 'tx', 'counter'));
        // Yield so both transactions read the same version before either commits.
        await new Promise((resolve) => setTimeout(resolve, 20));
        tx.update(doc(db, 'tx', 'counter'), { n: (snap.get('n') as number) + 1 });
      });
    await Promise.all([bump(a), bump(b)]);
    expect((await getDoc(doc(a, 'tx', 'counter'))).get('n')).toBe(2);
    expect(attempts).toBeGreaterThanOrEqual(3); // at least one attempt was rejected and retried
  }, 20_000);

  it('a read-only document that changed makes the commit fail (verify with updateTime)', async () => {
    const db = connect(emulator, { projectId: P });
    const other = connect(emulator, { projectId: P });
    await setDoc(doc(db, 'tx', 'watched'), { v: 1 });
    const code = await codeOf(
      runTransaction(
        db,
        async (tx) => {
          await tx.get(doc(db, 'tx', 'watched'));
          await setDoc(doc(other, 'tx', 'watched'), { v: 2 });
          tx.set(doc(db, 'tx', 'out'), { copied: true });
        },
        { maxAttempts: 1 },
      ),
    );
    expect(code).toBe('failed-precondition');
    expect((await getDoc(doc(db, 'tx', 'out'))).exists()).toBe(false);
  });
});
