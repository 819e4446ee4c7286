import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  collection,
  connectFirestoreEmulator,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  getFirestore,
  orderBy,
  query,
  setDoc,
  setLogLevel,
  updateDoc,
  where,
  type Firestore,
} from 'firebase/firestore/lite';
import { afterAll, describe, expect, inject, it } from 'vitest';

setLogLevel('silent');
const emulators = inject('firestoreEmulator');
const apps: FirebaseApp[] = [];
let n = 0;

function connect(port: number, mockUserToken?: { user_id: string }): Firestore {
  const app = initializeApp({ projectId: `demo-browser-${Date.now()}-${++n}`, apiKey: 'fake-key', appId: '1:1:web:1' }, `browser-${n}`);
  apps.push(app);
  const db = getFirestore(app);
  connectFirestoreEmulator(db, emulators.host, port, mockUserToken ? { mockUserToken } : {});
  return db;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected a rejection');
}

afterAll(async () => {
  await Promise.all(apps.map((app) => deleteApp(app)));
});

describe('emulator from a page in real Chromium (cross-origin, CORS)', () => {
  it('runs on another origin than the page', () => {
    expect(location.origin).not.toBe(`http://${emulators.host}:${emulators.port}`);
  });

  it('CRUD', async () => {
    const db = connect(emulators.port);
    const ref = doc(db, 'notes', 'n1');
    await setDoc(ref, { title: 'from the browser', n: 1 });
    expect((await getDoc(ref)).data()).toEqual({ title: 'from the browser', n: 1 });
    await updateDoc(ref, { n: 2 });
    expect((await getDoc(ref)).get('n')).toBe(2);
    await deleteDoc(ref);
    expect((await getDoc(ref)).exists()).toBe(false);
  });

  it('a query', async () => {
    const db = connect(emulators.port);
    await Promise.all([1, 2, 3, 4].map((i) => setDoc(doc(db, 'items', `i${i}`), { i, even: i % 2 === 0 })));
    const snap = await getDocs(query(collection(db, 'items'), where('even', '==', true), orderBy('i', 'desc')));
    expect(snap.docs.map((d) => d.id)).toEqual(['i4', 'i2']);
  });

  it('error codes cross CORS intact: not-found and permission-denied, not unknown', async () => {
    const db = connect(emulators.port);
    expect(await codeOf(updateDoc(doc(db, 'notes', 'missing'), { a: 1 }))).toBe('not-found');
    const user = connect(emulators.ownerPort, { user_id: 'u1' });
    await setDoc(doc(user, 'users', 'u1', 'notes', 'mine'), { ok: true });
    expect((await getDoc(doc(user, 'users', 'u1', 'notes', 'mine'))).get('ok')).toBe(true);
    expect(await codeOf(getDoc(doc(user, 'users', 'u2', 'notes', 'theirs')))).toBe('permission-denied');
  });
});
