import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { describeRemoteStoreConformance } from '@stowage/test-utils';
import { emulatorHarness } from './harness.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

describeRemoteStoreConformance('createFirestoreRemote over the emulator (Node)', async () => emulatorHarness(emulator.host, emulator.port));
