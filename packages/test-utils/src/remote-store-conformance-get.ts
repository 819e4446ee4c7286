import { expect, it } from 'vitest';
import { isRetryable } from '@stowage/core';
import type { RemoteDoc, RemoteStore } from '@stowage/sync';
import { change, pullAll, type CurrentHarness } from './remote-store-harness.js';
import { expectBytes, expectStowageError, sampleBytes } from './driver-test-helpers.js';

/** The one-key read of the RemoteStore contract: `get(key)` is what `pull` would return for it. */
export function describeRemoteGet(h: CurrentHarness): void {
  const r = () => h().remote;
  // Every shipped remote has it; the contract keeps it optional for remotes written before it.
  const get = (key: string, signal?: AbortSignal): Promise<RemoteDoc | undefined> => {
    const remote: RemoteStore = r();
    expect(typeof remote.get, 'this remote has no get()').toBe('function');
    return remote.get!(key, signal);
  };

  it('get(key) is the state pull returns for that key: values, ciphertext, tombstones; absent → undefined', async () => {
    const bytes = sampleBytes(300);
    expect(await get('never')).toBeUndefined();
    await r().push([
      change('json', 'h1', { value: { a: [1, [2]], s: 'ü😀' }, expiresAt: 1_900_000_000_000, schema: 2 }),
      change('cipher', 'h1', { value: undefined, data: bytes, codecs: ['json', 'aes-gcm'] }),
      change('gone', 'h1', { deleted: true, value: undefined, origin: 'B' }),
    ]);
    const pulled = new Map((await pullAll(r())).docs.map((d) => [d.key, d]));
    expect(await get('json')).toEqual(pulled.get('json'));
    expect(await get('gone')).toEqual({ key: 'gone', deleted: true, hlc: 'h1', origin: 'B' });
    const cipher = await get('cipher');
    expectBytes(cipher?.data, bytes);
    expect(cipher).toMatchObject({ key: 'cipher', deleted: false, hlc: 'h1', codecs: ['json', 'aes-gcm'] });
    expect(cipher?.value).toBeUndefined();
    expect(await get('jso')).toBeUndefined();
  });

  it('get follows the latest revision and copies out: mutating a result changes nothing stored', async () => {
    await r().push([change('k', 'h1', { value: { list: [1] } })]);
    const first = await get('k');
    (first?.value as { list: number[] }).list.push(2);
    expect((await get('k'))?.value).toEqual({ list: [1] });
    await r().push([change('k', 'h2', { base: 'h1', value: 'second' })]);
    expect(await get('k')).toMatchObject({ hlc: 'h2', value: 'second' });
  });

  it('keys that are not valid document ids (and long hashed ones) read back exactly', async () => {
    const keys = ['a/b', '.', '..', '__x__', '%2F', '日本😀', '\ud800', 'k'.repeat(1024), '日'.repeat(1024)];
    await r().push(keys.map((k, i) => change(k, `h${i}`)));
    for (const [i, k] of keys.entries()) expect(await get(k)).toMatchObject({ key: k, hlc: `h${i}` });
    expect(await get('k'.repeat(1023))).toBeUndefined();
  });

  it('a bad key rejects with invalid-argument; a transport failure with a retryable error; an aborted signal with aborted', async () => {
    for (const bad of ['', 42, null, 'x'.repeat(2000)]) await expectStowageError(get(bad as never), 'invalid-argument');
    await r().push([change('k', 'h1')]);
    await h().faults.failNext(1);
    expect(isRetryable(await expectStowageError(get('k')))).toBe(true);
    const ctl = new AbortController();
    ctl.abort();
    await expectStowageError(get('k', ctl.signal), 'aborted');
    expect(await get('k')).toMatchObject({ hlc: 'h1' });
  });
}
