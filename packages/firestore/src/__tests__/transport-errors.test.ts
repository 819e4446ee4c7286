// Transport failures say what happened (endpoint and cause): an emulator stopped (nothing listening
// on its port), and an error answer.
import { afterEach, describe, expect, it } from 'vitest';
import { isStowageError } from '@stowage/core';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
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
});
