import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc, serverTimestamp, setDoc } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { expectStowageError } from '@stowage/test-utils';
import { emulatorRemote } from './harness.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

describe('documents the remote did not write', () => {
  it('pull delivers the good documents before a foreign one, then fails decode-failed with a checkpoint to skip it', async () => {
    const remote = emulatorRemote(emulator.host, emulator.port);
    await remote.push([{ key: 'good', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 1 }]);
    await setDoc(doc(remote.firestore, remote.collectionPath, 'zz-foreign'), { hello: 'world', serverTime: serverTimestamp() });
    await remote.push([{ key: 'later', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 2 }]);
    const first = await remote.pull(undefined, 10);
    expect(first.docs.map((d) => d.key)).toEqual(['good']);
    const err = await expectStowageError(remote.pull(first.checkpoint, 10), 'decode-failed');
    expect(err.details.docId).toBe('zz-foreign');
    const skipped = await remote.pull(err.details.skipCheckpoint as string, 10);
    expect(skipped.docs.map((d) => d.key)).toEqual(['later']);
    await remote.close();
  });

  it('push over a foreign document is rejected decode-failed, never overwritten', async () => {
    const remote = emulatorRemote(emulator.host, emulator.port);
    await setDoc(doc(remote.firestore, remote.collectionPath, 'taken'), { json: 1 });
    const out = await remote.push([{ key: 'taken', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 1 }]);
    expect(out[0]?.status).toBe('rejected');
    expect(out[0]?.status === 'rejected' && out[0].error).toBeInstanceOf(StowageError);
    expect(out[0]?.status === 'rejected' && out[0].error.code).toBe('decode-failed');
    await remote.close();
  });
});
