import { doc, getDoc, setLogLevel } from 'firebase/firestore/lite';
import { uniqueCollection, type RemoteStoreFaults, type RemoteStoreHarness } from '@stowage/test-utils';
import { createFirestoreRemote, type FirestoreRemote, type FirestoreRemoteOptions } from '../index.js';

// Expected failures (503s, lost acks) would otherwise flood the output with the SDK's own logs.
setLogLevel('silent');

/** Fault injection over the emulator's HTTP control endpoint (works from Node and from a page). */
export function httpFaults(host: string, port: number): RemoteStoreFaults & { clear(): Promise<void>; hang(rpc?: string): Promise<void>; stats(): Promise<{ byRpc: Record<string, number>; total: number }> } {
  const base = `http://${host}:${port}/emulator`;
  const post = async (body: unknown) => {
    const res = await fetch(`${base}/faults`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`emulator faults: ${res.status}`);
  };
  return {
    failNext: (count) => post({ failNext: { count, status: 503 } }),
    loseNextAck: () => post({ lostAck: { count: 1 } }),
    hang: (rpc) => post({ hang: rpc ? { rpc } : true }),
    clear: async () => {
      await fetch(`${base}/faults`, { method: 'DELETE' });
    },
    stats: async () => (await fetch(`${base}/stats`)).json(),
  };
}

let apps = 0;

/** A remote on its own app and fresh collection of the emulator at `host:port`. */
export function emulatorRemote(host: string, port: number, extra: Partial<FirestoreRemoteOptions> = {}): FirestoreRemote {
  const name = uniqueCollection('kv');
  return createFirestoreRemote({
    firebaseOptions: { projectId: 'demo-stowage' },
    appName: `stowage-test-${apps++}-${name}`,
    emulator: { host, port },
    collectionPath: name,
    ...extra,
  });
}

/** The conformance harness for a remote over the emulator at `host:port`. */
export function emulatorHarness(host: string, port: number): RemoteStoreHarness {
  const remote = emulatorRemote(host, port);
  const faults = httpFaults(host, port);
  return {
    remote,
    faults,
    readDoc: async (collection, id) => (await getDoc(doc(remote.firestore, collection, id))).data(),
    dispose: async () => {
      await faults.clear();
      await remote.close();
    },
  };
}
