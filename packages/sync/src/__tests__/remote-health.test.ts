// checkRemoteHealth: reachable, latency and permission of a remote, as one typed result.
import { describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import { manualClock } from '@stowage/core/testing';
import { checkRemoteHealth } from '../index.js';
import type { RemoteStore } from '../index.js';
import { memoryRemote } from '../memory-remote.js';

const failing = (err: () => Error): RemoteStore => ({ ...memoryRemote(), pull: async () => Promise.reject(err()) });

describe('checkRemoteHealth', () => {
  it('a remote that answers is ok', async () => {
    const health = await checkRemoteHealth(memoryRemote());
    expect(health).toMatchObject({ ok: true, reachable: true, permission: true });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('a refusal by rules is reachable without permission', async () => {
    const health = await checkRemoteHealth(failing(() => new StowageError('permission-denied', 'rules')));
    expect(health).toMatchObject({ ok: false, reachable: true, permission: false, error: { code: 'permission-denied' } });
  });

  it('a transport failure is unreachable', async () => {
    const health = await checkRemoteHealth(failing(() => new StowageError('unavailable', 'connection refused')));
    expect(health).toMatchObject({ ok: false, reachable: false, permission: false, error: { code: 'unavailable' } });
  });

  it('no answer within the timeout is unreachable', async () => {
    const hanging: RemoteStore = {
      ...memoryRemote(),
      pull: (_cp, _limit, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new StowageError('aborted', 'gave up')))),
    };
    const clock = manualClock();
    const checking = checkRemoteHealth(hanging, { timeoutMs: 5_000, clock });
    await clock.advance(5_000); // the deadline on the injected clock, not a real wait
    const health = await checking;
    expect(health).toMatchObject({ ok: false, reachable: false, latencyMs: 5_000, error: { code: 'aborted' } });
  });
});
