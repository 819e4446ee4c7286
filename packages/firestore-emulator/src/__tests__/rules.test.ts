import { collection, collectionGroup, doc, getDoc, getDocs, setDoc } from 'firebase/firestore/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { callerFromAuthorization } from '../rules.js';
import { codeOf, connect, disconnectAll, emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
const P = 'demo-rules';
beforeAll(async () => {
  emulator = await emulatorFor({ rules: 'owner' });
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

describe("rules: 'owner'", () => {
  it('lets a mock user read and write only under users/{uid}', async () => {
    const u1 = connect(emulator, { projectId: P, mockUserToken: { user_id: 'u1' } });
    await setDoc(doc(u1, 'users', 'u1'), { name: 'one' });
    await setDoc(doc(u1, 'users', 'u1', 'notes', 'n1'), { text: 'hi' });
    expect((await getDoc(doc(u1, 'users', 'u1', 'notes', 'n1'))).get('text')).toBe('hi');
    expect((await getDocs(collection(u1, 'users', 'u1', 'notes'))).size).toBe(1);

    expect(await codeOf(setDoc(doc(u1, 'users', 'u2', 'notes', 'n1'), { text: 'x' }))).toBe('permission-denied');
    expect(await codeOf(getDoc(doc(u1, 'users', 'u2')))).toBe('permission-denied');
    expect(await codeOf(setDoc(doc(u1, 'public', 'x'), { a: 1 }))).toBe('permission-denied');
    expect(await codeOf(getDocs(collection(u1, 'users')))).toBe('permission-denied');
    expect(await codeOf(getDocs(collectionGroup(u1, 'notes')))).toBe('permission-denied');
    // `users/u10` is not inside `users/u1`.
    expect(await codeOf(getDoc(doc(u1, 'users', 'u10')))).toBe('permission-denied');
  });

  it('denies requests without a token, and the sub claim names the user too', async () => {
    const anon = connect(emulator, { projectId: P });
    expect(await codeOf(getDoc(doc(anon, 'users', 'u1')))).toBe('permission-denied');
    const u2 = connect(emulator, { projectId: P, mockUserToken: { sub: 'u2' } });
    await setDoc(doc(u2, 'users', 'u2'), { ok: true });
    expect(await codeOf(getDoc(doc(u2, 'users', 'u1')))).toBe('permission-denied');
  });

  it('an atomic commit touching one forbidden document applies nothing', async () => {
    const base = `projects/${P}/databases/(default)/documents`;
    const token = 'eyJhbGciOiJub25lIn0.' + Buffer.from(JSON.stringify({ sub: 'u3' })).toString('base64url') + '.';
    const r = await rest(
      emulator,
      `${base}:commit`,
      { writes: [{ update: { name: `${base}/users/u3/a/b`, fields: {} } }, { update: { name: `${base}/users/u4`, fields: {} } }] },
      { Authorization: `Bearer ${token}` },
    );
    expect(r.status).toBe(403);
    expect(r.json.error.status).toBe('PERMISSION_DENIED');
    const admin = await rest(emulator, `${base}:batchGet`, { documents: [`${base}/users/u3/a/b`] }, { Authorization: 'Bearer owner' });
    expect(admin.json[0].missing).toBeDefined();
  });

  it("'Bearer owner' is admin everywhere", async () => {
    const base = `projects/${P}/databases/(default)/documents`;
    const r = await rest(emulator, `${base}:runQuery`, { structuredQuery: { from: [{ collectionId: 'users' }] } }, { Authorization: 'Bearer owner' });
    expect(r.status).toBe(200);
    expect(r.json.length).toBeGreaterThanOrEqual(2);
  });

  it('decodes callers from the Authorization header', () => {
    const jwt = (claims: object) => `Bearer e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(callerFromAuthorization(undefined)).toEqual({ kind: 'anonymous' });
    expect(callerFromAuthorization('Bearer owner')).toEqual({ kind: 'admin' });
    expect(callerFromAuthorization(jwt({ user_id: 'a' }))).toEqual({ kind: 'user', uid: 'a' });
    expect(callerFromAuthorization(jwt({ sub: 'b', user_id: 'a' }))).toEqual({ kind: 'user', uid: 'b' });
    expect(callerFromAuthorization('Bearer not.base64!json.')).toEqual({ kind: 'anonymous' });
    expect(callerFromAuthorization('Basic abc')).toEqual({ kind: 'anonymous' });
  });
});
