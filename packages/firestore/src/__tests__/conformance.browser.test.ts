import { inject } from 'vitest';
import { describeRemoteStoreConformance } from '@stowage/test-utils';
import { emulatorHarness } from './harness.js';

const { host, port } = inject('firestoreEmulator');

describeRemoteStoreConformance('createFirestoreRemote over the emulator (Chromium)', async () => emulatorHarness(host, port));
