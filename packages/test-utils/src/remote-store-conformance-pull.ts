import { expect, it } from 'vitest';
import { change, pullAll, type CurrentHarness } from './remote-store-harness.js';
import { expectStowageError } from './driver-test-helpers.js';

/** Pull ordering, paging and checkpoints of the RemoteStore contract. */
export function describeRemotePull(h: CurrentHarness): void {
  const r = () => h().remote;

  it('an empty remote pulls nothing and keeps the checkpoint', async () => {
    expect(await r().pull(undefined, 10)).toEqual({ docs: [], checkpoint: undefined });
    await r().push([change('a', 'h1')]);
    const { checkpoint } = await r().pull(undefined, 10);
    expect(typeof checkpoint).toBe('string');
    expect(JSON.parse(JSON.stringify(checkpoint))).toBe(checkpoint);
    expect(await r().pull(checkpoint, 10)).toEqual({ docs: [], checkpoint });
  });

  it('pages follow write order, resume at the checkpoint, and miss or repeat nothing while writes go on', async () => {
    const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
    for (const prefix of ['a', 'b', 'c']) await r().push(keys(prefix, 8).map((k) => change(k, 'h1')));
    const seen: string[] = [];
    let checkpoint: string | undefined;
    for (let page = 0; ; page++) {
      const res = await r().pull(checkpoint, 5);
      expect(res.docs.length).toBeLessThanOrEqual(5);
      seen.push(...res.docs.map((d) => `${d.key}@${d.hlc}`));
      if (res.docs.length === 0) {
        expect(res.checkpoint).toBe(checkpoint);
        break;
      }
      checkpoint = res.checkpoint;
      // Writes between pages: a new key, an update of a key already seen, one of a key not yet seen.
      if (page === 1) await r().push([change('d00', 'h1'), change('a00', 'h2', { base: 'h1' }), change('c07', 'h2', { base: 'h1' })]);
      if (page === 3) await r().push([change('d01', 'h1', { deleted: true, value: undefined })]);
    }
    const expected = [...keys('a', 8), ...keys('b', 8), ...keys('c', 7)].map((k) => `${k}@h1`);
    // Everything written before the first page, in write order (keys of one push share a time).
    expect(seen.slice(0, 23).sort()).toEqual(expected.sort());
    expect(seen.slice(0, 8).every((s) => s.startsWith('a'))).toBe(true);
    expect(seen.slice(8, 16).every((s) => s.startsWith('b'))).toBe(true);
    // Then what was written while paging, each once and at its latest revision.
    expect(seen.slice(23).sort()).toEqual(['a00@h2', 'c07@h2', 'd00@h1', 'd01@h1']);
    expect(seen.indexOf('d01@h1')).toBe(seen.length - 1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('pages within one write are ordered and complete across several limits', async () => {
    await r().push(Array.from({ length: 13 }, (_, i) => change(`k${i}`, 'h1')));
    const one = (await pullAll(r(), undefined, 1)).docs.map((d) => d.key);
    const four = (await pullAll(r(), undefined, 4)).docs.map((d) => d.key);
    const all = (await r().pull(undefined, 100)).docs.map((d) => d.key);
    expect(one).toEqual(all);
    expect(four).toEqual(all);
    expect([...all].sort()).toEqual(Array.from({ length: 13 }, (_, i) => `k${i}`).sort());
  });

  it('rejects a foreign checkpoint and a bad limit with invalid-argument', async () => {
    await expectStowageError(r().pull('not a checkpoint', 10), 'invalid-argument');
    await expectStowageError(r().pull(42 as never, 10), 'invalid-argument');
    await expectStowageError(r().pull(undefined, 0), 'invalid-argument');
    await expectStowageError(r().pull(undefined, 1.5), 'invalid-argument');
    await expectStowageError(r().pull(undefined, Number.NaN), 'invalid-argument');
  });

  it('purgeTombstones deletes old tombstones only', async () => {
    const purge = r().purgeTombstones;
    expect(typeof purge).toBe('function');
    await r().push([change('live', 'h1'), change('dead', 'h1', { deleted: true, value: undefined })]);
    expect(await r().purgeTombstones!(Date.now() - 3_600_000)).toBe(0);
    expect(await r().purgeTombstones!(Date.now() + 3_600_000)).toBe(1);
    expect((await pullAll(r())).docs.map((d) => d.key)).toEqual(['live']);
    // Purged means gone: a new write with a null base applies.
    expect((await r().push([change('dead', 'h2')]))[0]?.status).toBe('applied');
  });
}
