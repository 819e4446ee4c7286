// sync.download(key): one key's cloud state applied here now, as a pull would, the checkpoint unmoved.
import { describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import { expectStowageError, fakeClock, xorCodec } from '@stowage/test-utils';
import { createSync } from '../index.js';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

async function pair(extra: Parameters<typeof client>[2] = {}) {
  const clock = fakeClock();
  const remote = memoryRemote({ clock });
  const a = client(remote, clock, extra);
  const b = client(remote, clock, extra);
  await a.sync.ready();
  await b.sync.ready();
  return { clock, remote, a, b };
}

describe('sync.download(key)', () => {
  it("brings another device's value here, reports whether the local copy changed, and leaves the pull checkpoint alone", async () => {
    const { remote, a, b } = await pair();
    await b.storage.set('profile', { name: '张三' });
    await b.storage.set('other', 1);
    await b.sync.flush();
    const pulls = remote.calls.pull;
    expect(await a.sync.download('profile')).toBe(true);
    expect(await a.storage.get('profile')).toEqual({ name: '张三' });
    expect(await a.storage.has('other')).toBe(false);
    expect(remote.calls.pull).toBe(pulls);
    expect(a.events).toContainEqual({ type: 'pulled', keys: ['profile'] });
    expect(await a.sync.download('profile')).toBe(false); // nothing new
    // The next pull still starts from the old checkpoint: it brings `other`, and `profile` is no news.
    expect(await a.sync.pull()).toBe(1);
    expect(await a.storage.get('other')).toBe(1);
  });

  it('a tombstone deletes the local copy; a key the cloud never held changes nothing', async () => {
    const { a, b } = await pair();
    await b.storage.set('k', 'v');
    await b.sync.flush();
    await a.sync.download('k');
    await b.storage.remove('k');
    await b.sync.flush();
    expect(await a.sync.download('k')).toBe(true);
    expect(await a.storage.has('k')).toBe(false);
    await a.storage.set('local-only', 1);
    await a.sync.flush();
    expect(await a.sync.download('never')).toBe(false);
    expect(await a.storage.get('local-only')).toBe(1);
  });

  it('a pending local edit meets the cloud state through the conflict strategy (last-write-wins: the later edit stays)', async () => {
    const { clock, a, b } = await pair();
    await b.storage.set('k', 'from B');
    await b.sync.flush();
    a.online.set(false);
    await clock.advance(10);
    await a.storage.set('k', 'from A, later');
    expect(await a.sync.download('k')).toBe(false);
    expect(await a.storage.get('k')).toBe('from A, later');
    expect(a.events.find((e) => e.type === 'conflict')).toMatchObject({ key: 'k', winner: 'local' });
  });

  it("restores this device's own copy when it was lost locally", async () => {
    const { a } = await pair();
    await a.storage.set('k', { v: 1 });
    await a.sync.flush();
    // The record vanishes under the storage (a wiped object store), with no edit to push.
    await a.driver.batch([{ type: 'delete', key: 'app:k' }]);
    expect(await a.storage.has('k')).toBe(false);
    expect(await a.sync.download('k')).toBe(true);
    expect(await a.storage.get('k')).toEqual({ v: 1 });
  });

  it('an encrypted key arrives as ciphertext and reads back decrypted', async () => {
    const { remote, a, b } = await pair({ encryption: xorCodec(7) });
    await b.storage.set('secret', { pin: '1234' }, { encrypt: true });
    await b.sync.flush();
    expect(remote.peek('secret')?.value).toBeUndefined();
    expect(await a.sync.download('secret')).toBe(true);
    expect(await a.storage.get('secret')).toEqual({ pin: '1234' });
  });

  it('bad key → invalid-argument before any request; transport failure → retryable, kept as lastError', async () => {
    const { remote, a } = await pair();
    await expectStowageError(a.sync.download(''), 'invalid-argument');
    await expectStowageError(a.sync.download(42 as never), 'invalid-argument');
    expect(remote.calls.get).toBe(0);
    remote.faults.failNext(1, new StowageError('unavailable', 'get: cannot reach the endpoint'));
    await expectStowageError(a.sync.download('k'), 'unavailable');
    expect(await a.sync.status()).toMatchObject({ reachable: false, lastError: { message: 'get: cannot reach the endpoint' } });
  });

  it('a remote without get() → invalid-argument', async () => {
    const clock = fakeClock();
    const { get: _get, ...rest } = memoryRemote({ clock });
    const { storage } = client(memoryRemote({ clock }), clock);
    const sync = createSync({ storage, remote: rest, clock, pullInterval: 0 });
    try {
      await expectStowageError(sync.download('k'), 'invalid-argument');
    } finally {
      await sync.close();
    }
  });
});
