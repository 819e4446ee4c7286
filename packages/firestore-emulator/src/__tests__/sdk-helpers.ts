import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectFirestoreEmulator, getFirestore, setLogLevel, type Firestore } from 'firebase/firestore/lite';

// Expected failures would otherwise flood the output with the SDK's own error logs.
setLogLevel('silent');
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../index.js';

let counter = 0;
const apps: FirebaseApp[] = [];

/** Connects a fresh SDK instance (unique app name, and by default a unique project) to the emulator. */
export function connect(
  emulator: EmulatorHandle,
  options: { projectId?: string; mockUserToken?: { user_id?: string; sub?: string } | string } = {},
): Firestore {
  counter++;
  const app = initializeApp({ projectId: options.projectId ?? `demo-p${counter}-${process.pid}` }, `app-${counter}-${Date.now()}`);
  apps.push(app);
  const db = getFirestore(app);
  connectFirestoreEmulator(db, '127.0.0.1', emulator.port, options.mockUserToken ? { mockUserToken: options.mockUserToken as never } : {});
  return db;
}

/** Deletes every app created by {@link connect}. */
export async function disconnectAll(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
}

/** Starts an emulator for a test file (port 0). */
export function emulatorFor(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator(options);
}

/** Parsed wire JSON: tests assert on it field by field, so a precise type would only restate the asserts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type WireJson = any;

/** Raw REST call, as the SDK makes it, for asserting exact wire behaviour. */
export async function rest(
  emulator: EmulatorHandle,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: WireJson; headers: Headers }> {
  const res = await fetch(`${emulator.url}/v1/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** The error code a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? `no-code: ${String(err)}`;
  }
  throw new Error('expected the promise to reject');
}
