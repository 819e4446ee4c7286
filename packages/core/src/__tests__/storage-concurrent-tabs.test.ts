import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, type Codec, type CommitCheck, type Driver, type DriverOp, applyRecords, cleanExpired, exportData, getRecord, importData, migrate, reencode } from '@stowage/core';
import { broadcastHub, fakeClock, spyDriver, xorCipher } from './helpers.js';

// Two storages over one store are what two tabs are to each other: each reads, then writes in a
// later transaction. These tests let "the other tab" write in between and check nothing is lost.

/** `inner`, except that `action` runs once, just before the first batch `when` matches. */
function interloping(inner: Driver, when: (ops: readonly DriverOp[]) => boolean, action: () => Promise<void>): Driver & { ran: boolean } {
  const d = Object.assign(spyDriver(inner), { ran: false });
  d.before = async (ops) => {
    if (d.ran || !when(ops)) return;
    d.ran = true;
    await action();
  };
  return d;
}

/** Whether a batch writes `key` (the write that must not lose what the other tab wrote first). */
const writes = (key: string) => (ops: readonly DriverOp[]) => ops.some((op) => op.type !== 'check' && op.key === key);

function tabs(options: { schemaVersion?: number; migrations?: Record<number, (v: unknown) => unknown> } = {}) {
  const clock = fakeClock();
  const store = memoryDriver();
  const bus = broadcastHub();
  let action: () => Promise<void> = async () => undefined;
  let when: (ops: readonly DriverOp[]) => boolean = () => false;
  const driver = interloping(store, (ops) => when(ops), () => action());
  const common = { clock, broadcast: bus, encryption: xorCipher(7), ...options };
  const a = createStorage({ ...common, driver });
  const b = createStorage({ ...common, driver: store });
  const before = (key: string, fn: () => Promise<void>) => {
    when = writes(`stowage:${key}`);
    action = fn;
  };
  return { clock, store, driver, a, b, before };
}

describe('read-then-write steps against another tab writing in between', () => {
  it('reencode does not overwrite a newer value another tab wrote after the page was read', async () => {
    const { clock, driver, a, b, before } = tabs();
    await a.setMany({ k: 'old', j: 'other' }, { encrypt: true });
    before('k', async () => {
      await clock.advance(5);
      await b.set('k', 'newer', { encrypt: true });
    });
    expect(await reencode(a)).toBe(2);
    expect(driver.ran).toBe(true);
    expect(await a.get('k')).toBe('newer');
    expect(await b.get('j')).toBe('other');
  });

  it('migrate does not overwrite a value another tab wrote under the new schema meanwhile', async () => {
    const { clock, store, a, b, before } = tabs({ schemaVersion: 2, migrations: { 2: (v) => ({ ...(v as object), migrated: true }) } });
    const v1 = createStorage({ driver: store, clock, broadcast: false, encryption: xorCipher(7) });
    await v1.setMany({ k: { n: 1 }, j: { n: 2 } });
    before('k', async () => {
      await clock.advance(5);
      await b.set('k', { n: 'fresh' });
    });
    expect(await migrate(a)).toBe(1); // j; k was written at schema 2 meanwhile
    expect(await a.get('k')).toEqual({ n: 'fresh' });
    expect(await a.get('j')).toEqual({ n: 2, migrated: true });
  });

  it('cleanExpired does not delete a record another tab rewrote after the sweep read it', async () => {
    const { clock, a, b, before } = tabs();
    await a.set('k', 'short-lived', { ttl: 1000 });
    await a.set('gone', 'short-lived too', { ttl: 1000 });
    await clock.advance(1000);
    before('k', () => b.set('k', 'fresh'));
    expect(await cleanExpired(a)).toBe(0); // the batch failed its check: nothing deleted this time
    expect(await a.get('k')).toBe('fresh');
    expect(await cleanExpired(a)).toBe(1);
    expect(await a.keys()).toEqual(['k']);
  });

  it('the lazy delete of an expired record read here does not delete what another tab wrote since', async () => {
    const { clock, store, a, b, before } = tabs();
    await a.set('k', 'short-lived', { ttl: 1000 });
    await clock.advance(1000);
    before('k', () => b.set('k', 'fresh'));
    expect(await a.get('k')).toBeUndefined();
    await a.keys(); // waits for the background delete
    expect(await b.get('k')).toBe('fresh');
    expect(await store.keys('stowage:')).toEqual(['stowage:k']);
  });

  it('a lazy expiry delete that finds the key already removed by another tab announces nothing of its own', async () => {
    const { clock, a, b, before } = tabs();
    await a.set('k', 'short-lived', { ttl: 1000 });
    await clock.advance(1000);
    const events: { type: string; source?: string }[] = [];
    a.subscribe((e) => events.push(e as { type: string; source?: string }));
    before('k', () => b.remove('k'));
    expect(await a.get('k')).toBeUndefined();
    await a.keys(); // waits for the background delete
    expect(events.filter((e) => e.type === 'remove')).toEqual([expect.objectContaining({ key: 'k', source: 'remote', reason: 'removed' })]);
  });

  it("applyRecords' expectUpdatedAt holds in the committing transaction: a write in between makes the item skipped, not overwritten", async () => {
    const { clock, a, b, before } = tabs();
    await a.set('k', 'base');
    const base = await getRecord(a, 'k');
    before('k', async () => {
      await clock.advance(5);
      await b.set('k', 'local edit');
    });
    const remote = { key: 'k', value: 'from the cloud', expectUpdatedAt: base?.updatedAt ?? null };
    expect(await applyRecords(a, [remote, { key: 'other', value: 1 }])).toEqual(['other']);
    expect(await a.get('k')).toBe('local edit');
    expect(await a.get('other')).toBe(1);
  });
});

/** A test codec whose ciphertexts name an "epoch" that metadata value `epoch` must still hold. */
function epochCodec(state: { epoch: number; encodes: number; told: number }): Codec {
  const byEpoch = new Map<number, CommitCheck>();
  return {
    id: 'epoch',
    kind: 'encryption',
    async init(ctx) {
      ctx.watchMeta?.('epoch', () => state.told++);
    },
    encode(b) {
      state.encodes++;
      return Uint8Array.of(state.epoch, ...b);
    },
    decode: (b) => b.slice(1),
    commitCheck(encoded) {
      const epoch = encoded[0] as number;
      let c = byEpoch.get(epoch);
      if (!c) byEpoch.set(epoch, (c = { meta: 'epoch', test: (v) => v === epoch }));
      return c;
    },
  };
}

describe('codec commit checks', () => {
  const META = '\u0000meta/stowage/epoch';

  it('a write whose encoding went stale before it committed is encoded again (the codec is told) and committed', async () => {
    const state = { epoch: 1, encodes: 0, told: 0 };
    const store = memoryDriver();
    await store.batch([{ type: 'put', key: META, value: 1 }]);
    const driver = interloping(store, (ops) => ops.some((op) => op.type === 'put' && op.key === 'stowage:k'), async () => {
      await store.batch([{ type: 'put', key: META, value: 2 }]); // "another tab" moved on
      state.epoch = 2;
    });
    const s = createStorage({ driver, encryption: epochCodec(state), encryptAll: true, broadcast: false });
    await s.set('k', { v: 1 });
    expect(state).toEqual({ epoch: 2, encodes: 2, told: 1 });
    expect(((await store.get('stowage:k')) as { data: Uint8Array }).data[0]).toBe(2);
    expect(await s.get('k')).toEqual({ v: 1 });
  });

  it("a write that can never pass its check rejects with 'conflict' (stale-encoding) and writes nothing; other writes are unaffected", async () => {
    const state = { epoch: 1, encodes: 0, told: 0 };
    const store = memoryDriver();
    await store.batch([{ type: 'put', key: META, value: 9 }]); // a keyring this codec never catches up with
    const s = createStorage({ driver: store, encryption: epochCodec(state), broadcast: false });
    const [enc, plain] = await Promise.allSettled([s.set('secret', 1, { encrypt: true }), s.set('plain', 2)]);
    expect(enc).toMatchObject({ status: 'rejected', reason: { code: 'conflict', details: { reason: 'stale-encoding', meta: 'epoch' } } });
    expect(plain.status).toBe('fulfilled');
    expect(state.encodes).toBe(4); // the first encoding and three retries
    expect(await store.get('stowage:secret')).toBeUndefined();
    expect(await s.get('plain')).toBe(2);
  });

  it('importData of values encoded just before the key changed encodes them again and imports', async () => {
    const state = { epoch: 1, encodes: 0, told: 0 };
    const store = memoryDriver();
    await store.batch([{ type: 'put', key: META, value: 1 }]);
    const driver = interloping(store, (ops) => ops.some((op) => op.type === 'put' && op.key === 'stowage:a'), async () => {
      await store.batch([{ type: 'put', key: META, value: 2 }]);
      state.epoch = 2;
    });
    const s = createStorage({ driver, encryption: epochCodec(state), encryptAll: true, broadcast: false, backupsToKeep: 0 });
    const source = createStorage({ driver: memoryDriver(), broadcast: false });
    await source.setMany({ a: 1, b: [2] });
    const backup = await exportData(source);
    expect(await importData(s, backup)).toBe(2);
    expect(driver.ran).toBe(true);
    expect(state).toMatchObject({ epoch: 2, encodes: 4, told: 1 });
    expect(await s.getMany(['a', 'b'])).toEqual([1, [2]]);
    expect(((await store.get('stowage:b')) as { data: Uint8Array }).data[0]).toBe(2);
  });
});
