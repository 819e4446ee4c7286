import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRetryable, StowageError } from '@stowage/core';
import { change, expectLostAck, pullAll } from './remote-store-harness.js';
import type { CurrentHarness, RemoteStoreHarness } from './remote-store-harness.js';
import { describeRemoteApply } from './remote-store-conformance-apply.js';
import { describeRemoteGet } from './remote-store-conformance-get.js';
import { describeRemotePull } from './remote-store-conformance-pull.js';

export * from './remote-store-harness.js';
import { expectBytes, expectStowageError, sampleBytes } from './driver-test-helpers.js';

/**
 * Registers the RemoteStore contract tests against remotes made by `makeRemote` (one per test,
 * empty, with fault injection).
 *
 * @example
 * ```ts
 * describeRemoteStoreConformance('memoryRemote', async () => {
 *   const remote = memoryRemote();
 *   return { remote, faults: { failNext: async (n) => remote.faults.failNext(n), loseNextAck: async () => remote.faults.loseNextAck() },
 *     readDoc: async (c, d) => remote.readDoc(c, d) };
 * });
 * ```
 */
export function describeRemoteStoreConformance(name: string, makeRemote: () => Promise<RemoteStoreHarness>): void {
  describe(`RemoteStore conformance: ${name}`, () => {
    let harness: RemoteStoreHarness | undefined;
    beforeEach(async () => {
      harness = await makeRemote();
    });
    afterEach(async () => {
      await harness?.dispose?.();
      harness = undefined;
    });
    const current: CurrentHarness = () => {
      if (!harness) throw new Error('no harness');
      return harness;
    };
    describeRemotePush(current);
    describeRemotePull(current);
    describeRemoteGet(current);
    describeRemoteApply(current);
  });
}

function describeRemotePush(h: CurrentHarness): void {
  const r = () => h().remote;

  it('push → pull round trip: JSON values, ciphertext bytes + codecs, expiry, tombstones, re-encodings', async () => {
    const bytes = sampleBytes(700);
    const value = { s: 'ü😀\u0001', n: -0.5, big: 2 ** 53 - 1, nested: [[1, [2]], { a: null }], t: true, e: {}, arr: [] };
    const out = await r().push([
      change('json', 'h1', { value, expiresAt: 1_900_000_000_000, schema: 3 }),
      change('cipher', 'h1', { value: undefined, data: bytes, codecs: ['json', 'aes-gcm'], reencodes: 'h0' }),
      change('gone', 'h1', { deleted: true, value: undefined, origin: 'B' }),
      change('scalar', 'h1', { value: 'just a string' }),
      change('nil', 'h1', { value: null }),
    ]);
    expect(out.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(out[0]).toEqual({ status: 'applied', key: 'json', hlc: 'h1' });
    const { docs } = await pullAll(r());
    const byKey = new Map(docs.map((d) => [d.key, d]));
    expect(docs).toHaveLength(5);
    expect(byKey.get('json')).toEqual({ key: 'json', deleted: false, hlc: 'h1', origin: 'A', value, expiresAt: 1_900_000_000_000, schema: 3 });
    const cipher = byKey.get('cipher')!;
    expectBytes(cipher.data, bytes);
    expect(cipher).toMatchObject({ key: 'cipher', deleted: false, hlc: 'h1', codecs: ['json', 'aes-gcm'], reencodes: 'h0' });
    expect(cipher.value).toBeUndefined();
    expect(byKey.get('gone')).toEqual({ key: 'gone', deleted: true, hlc: 'h1', origin: 'B' });
    expect(byKey.get('scalar')?.value).toBe('just a string');
    expect(byKey.get('nil')).toMatchObject({ value: null, deleted: false });
  });

  it('keys that are not valid document ids round-trip exactly', async () => {
    const keys = ['a/b', '/', '.', '..', '__x__', '__', '%', '%2F', 'a b', '日本😀', '\ud800', 'x\udfff', 'sp ace\t\n', '~', '#?&=',
      'k'.repeat(1024), '日'.repeat(1024), '__proto__', 'constructor'];
    const out = await r().push(keys.map((k, i) => change(k, `h${i}`)));
    expect(out.map((o) => o.status)).toEqual(keys.map(() => 'applied'));
    const { docs } = await pullAll(r(), undefined, 7);
    expect(docs.map((d) => d.key).sort()).toEqual([...keys].sort());
    for (const d of docs) expect(d.value).toEqual({ hlc: d.hlc });
  });

  it('bad changes are rejected one by one; the others still apply; a non-array rejects the call', async () => {
    const out = await r().push([
      change('', 'h1'),
      change('ok', 'h1'),
      change('both', 'h1', { data: new Uint8Array([1]), codecs: ['x'] }),
      change('neither', 'h1', { value: undefined }),
      change('fn', 'h1', { value: { f: () => 1 } }),
      change('nohlc', ''),
      change('big', 'h1', { value: 'x'.repeat(1_100_000) }),
      change('bigbytes', 'h1', { value: undefined, data: new Uint8Array(1_100_000), codecs: ['aes-gcm'] }),
      change('badreencodes', 'h1', { reencodes: 42 as never }),
      change('badschema', 'h1', { schema: 0 }),
    ]);
    expect(out.map((o) => o.status)).toEqual(['rejected', 'applied', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    const codes = out.map((o) => (o.status === 'rejected' ? o.error.code : undefined));
    expect(codes).toEqual(['invalid-argument', undefined, 'invalid-argument', 'invalid-argument', 'invalid-argument', 'invalid-argument', 'too-large', 'too-large', 'invalid-argument', 'invalid-argument']);
    for (const o of out) if (o.status === 'rejected') expect(isRetryable(o.error)).toBe(false);
    expect((await pullAll(r())).docs.map((d) => d.key)).toEqual(['ok']);
    await expectStowageError(r().push('nope' as never), 'invalid-argument');
  });

  it('compare-and-set: a stale base or a null base on an existing key is a conflict with the remote doc, not written', async () => {
    await r().push([change('k', 'h1'), change('t', 'h1', { deleted: true, value: undefined })]);
    const out = await r().push([
      change('k', 'h3', { base: 'h0', origin: 'B' }),
      change('k2', 'h3', { base: 'h9' }),
      change('t', 'h3', { base: null }),
    ]);
    expect(out[0]).toEqual({ status: 'conflict', key: 'k', remote: { key: 'k', deleted: false, hlc: 'h1', origin: 'A', value: { hlc: 'h1' } } });
    expect(out[1]).toEqual({ status: 'conflict', key: 'k2', remote: undefined });
    expect(out[2]).toMatchObject({ status: 'conflict', key: 't', remote: { deleted: true, hlc: 'h1' } });
    const { docs } = await pullAll(r());
    expect(docs.map((d) => [d.key, d.hlc]).sort()).toEqual([['k', 'h1'], ['t', 'h1']]);
    const next = await r().push([change('k', 'h2', { base: 'h1', value: [1] }), change('t', 'h2', { base: 'h1' })]);
    expect(next.map((o) => o.status)).toEqual(['applied', 'applied']);
    const after = new Map((await pullAll(r())).docs.map((d) => [d.key, d]));
    expect(after.get('k')).toMatchObject({ hlc: 'h2', value: [1] });
    expect(after.get('t')).toMatchObject({ hlc: 'h2', deleted: false });
  });

  it('a change already applied (same hlc + origin) is reported applied again, without a new revision', async () => {
    await r().push([change('k', 'h1')]);
    const mark = (await pullAll(r())).checkpoint;
    expect(await r().push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
    expect((await r().pull(mark, 10)).docs).toEqual([]);
    // Same hlc from another client is a different write: compare-and-set applies.
    expect((await r().push([change('k', 'h1', { origin: 'B', base: 'h0' })]))[0]?.status).toBe('conflict');
  });

  it('lost acknowledgement: the retry of an applied push reports applied, one revision', async () => {
    const faults = h().faults;
    await r().push([change('k', 'h1')]);
    const mark = (await pullAll(r())).checkpoint;
    await faults.loseNextAck();
    await expectLostAck(r().push([change('k', 'h2', { base: 'h1' }), change('n', 'h2')]), (out) => {
      expect(out).toEqual([{ status: 'applied', key: 'k', hlc: 'h2' }, { status: 'applied', key: 'n', hlc: 'h2' }]);
    });
    const retry = await r().push([change('k', 'h2', { base: 'h1' }), change('n', 'h2')]);
    expect(retry).toEqual([{ status: 'applied', key: 'k', hlc: 'h2' }, { status: 'applied', key: 'n', hlc: 'h2' }]);
    const { docs } = await pullAll(r(), mark);
    expect(docs.map((d) => [d.key, d.hlc]).sort()).toEqual([['k', 'h2'], ['n', 'h2']]);
    expect((await r().push([change('k', 'h3', { base: 'h2' })]))[0]?.status).toBe('applied');
  });

  it('transport failure rejects the whole call with a retryable StowageError; nothing is written', async () => {
    const faults = h().faults;
    await faults.failNext(1);
    const err = await expectStowageError(r().push([change('k', 'h1')]));
    expect(isRetryable(err)).toBe(true);
    expect((await pullAll(r())).docs).toEqual([]);
    await faults.failNext(1);
    expect(isRetryable(await expectStowageError(r().pull(undefined, 10)))).toBe(true);
    expect(await r().push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
  });

  it('an aborted signal rejects with aborted and writes nothing', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const err = await expectStowageError(r().push([change('k', 'h1')], ctl.signal), 'aborted');
    expect(err).toBeInstanceOf(StowageError);
    await expectStowageError(r().pull(undefined, 5, ctl.signal), 'aborted');
    await expectStowageError(r().apply([{ id: 'o', type: 'set', collection: 'c', doc: 'd', data: {} }], ctl.signal), 'aborted');
    expect((await pullAll(r())).docs).toEqual([]);
  });
}
