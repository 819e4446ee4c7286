// In Chromium, fetch() says only "Failed to fetch" (the reason goes to the console), so a request
// with nothing listening names the endpoint and says the browser does not tell which cause it was.
import { afterEach, describe, expect, it } from 'vitest';
import { expectStowageError } from '@stowage/test-utils';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote } from './harness.js';

// A loopback port nothing in the test setup listens on.
const CLOSED_PORT = 65_432;
const remotes: FirestoreRemote[] = [];

afterEach(async () => {
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});

describe('Firestore remote in Chromium: transport errors', () => {
  it('nothing listening: unavailable, naming the endpoint and a network error', async () => {
    const remote = emulatorRemote('127.0.0.1', CLOSED_PORT);
    remotes.push(remote);
    const err = await expectStowageError(remote.push([{ key: 'k', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 1 }]), 'unavailable');
    expect(err.message).toMatch(new RegExp(`^push: cannot reach the Firestore endpoint 127\\.0\\.0\\.1:${CLOSED_PORT} \\(network error: `));
    expect(err.details).toMatchObject({ endpoint: `127.0.0.1:${CLOSED_PORT}` });
  });
});
