// Transport failures say what happened (endpoint and cause), and a sync's status follows the
// transport: an emulator stopped (nothing listening on its port), then started again on that port.
import { afterEach, describe, expect, it } from 'vitest';
import { createStorage, isStowageError, memoryDriver, memoryLocks } from '@stowage/core';
import { manualOnline, memoryBroadcast } from '@stowage/core/testing';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { createNetworkMonitor, createSync, type SyncEvent } from '@stowage/sync';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote } from './harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function emulatorOn(port = 0): Promise<EmulatorHandle> {
  const emulator = await startEmulator({ port });
  closers.push(() => emulator.stop().catch(() => undefined));
  return emulator;
}

function remoteOn(emulator: EmulatorHandle): FirestoreRemote {
  const remote = emulatorRemote(emulator.host, emulator.port);
  closers.push(() => remote.close());
  return remote;
}

const change = (key: string) => [{ key, hlc: `h-${key}`, origin: 'A', base: null, deleted: false, value: 1 }];

describe('transport errors', () => {
  it('nothing listening: unavailable, naming the endpoint and "connection refused", the system error kept as cause', async () => {
    const emulator = await emulatorOn();
    const remote = remoteOn(emulator);
    await emulator.stop();
    const err = await remote.push(change('k')).then(() => undefined, (e: unknown) => e);
    expect(isStowageError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toBe(`push: cannot reach the Firestore endpoint ${emulator.host}:${emulator.port} (connection refused)`);
    expect(((err as Error).cause as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    const pulled = await remote.pull(undefined, 1).then(() => undefined, (e: unknown) => e);
    expect((pulled as Error).message).toMatch(/^pull: cannot reach the Firestore endpoint .* \(connection refused\)$/);
  });

  it('an error answer names the HTTP status and the server message', async () => {
    const emulator = await emulatorOn();
    const remote = remoteOn(emulator);
    emulator.faults.failNext({ count: 1, status: 503, message: 'overloaded' });
    const err = await remote.pull(undefined, 1).then(() => undefined, (e: unknown) => e);
    expect(isStowageError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`^pull: the Firestore endpoint ${emulator.host}:${emulator.port} answered HTTP 503 \\(unavailable\\): .*overloaded`));
  });

  it('a sync: emulator stopped → the push error names the cause and status() is not reachable; restarted → flush succeeds, error cleared, reachable', async () => {
    const first = await emulatorOn();
    const port = first.port;
    const remote = emulatorRemote(first.host, port);
    closers.push(() => remote.close());
    const storage = createStorage({ driver: memoryDriver(), prefix: 'app', broadcast: false });
    const sync = createSync({
      storage, remote, locks: memoryLocks(), broadcast: memoryBroadcast(), pullInterval: 0, requestTimeout: 5000,
      backoff: { baseMs: 60_000, maxMs: 60_000 }, network: createNetworkMonitor({ online: manualOnline() }),
    });
    closers.push(() => sync.close());
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await sync.ready();
    await first.stop();

    await storage.set('k', { v: 1 });
    await sync.flush().catch(() => undefined);
    let status = await sync.status();
    expect(status.online).toBe(true); // the platform's view: the device is online
    expect(status.reachable).toBe(false);
    expect(status.pending).toBe(1);
    expect(status.lastError?.code).toBe('unavailable');
    expect(status.lastError?.message).toBe(`push: cannot reach the Firestore endpoint ${first.host}:${port} (connection refused)`);

    await emulatorOn(port);
    const seen = events.length;
    // The outbox waits out its backoff; a successful pull shows the remote reachable again, and
    // that reconnection resets the backoff and flushes.
    expect(await sync.pull()).toBe(0);
    for (let i = 0; (await sync.status()).pending > 0; i++) {
      if (i > 500) throw new Error('the outbox did not drain after the restart');
      await new Promise((r) => setTimeout(r, 10));
    }
    status = await sync.status();
    expect(status.lastError).toBeUndefined();
    expect(status.reachable).toBe(true);
    // A page that showed the error learns that it is over without polling status().
    expect(events.slice(seen).find((e) => e.type === 'status')).toMatchObject({ type: 'status', status: { reachable: true, lastError: undefined } });
  }, 30_000);
});
