import { doc, getDoc, getDocs, collection, setDoc } from 'firebase/firestore/lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { codeOf, connect, disconnectAll, emulatorFor, type WireJson } from './sdk-helpers.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await emulatorFor();
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.resetStats();
});
afterAll(async () => {
  await disconnectAll();
  await emulator.stop();
});

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emulator.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, json: (await res.json()) as WireJson };
};

describe('fault injection', () => {
  it('fails the next N requests with a status the SDK maps (503 → unavailable), then recovers', async () => {
    const db = connect(emulator);
    emulator.faults.failNext({ count: 2, status: 503 });
    expect(await codeOf(getDoc(doc(db, 'c', 'd')))).toBe('unavailable');
    expect(await codeOf(setDoc(doc(db, 'c', 'd'), { v: 1 }))).toBe('unavailable');
    await setDoc(doc(db, 'c', 'd'), { v: 1 });
    expect((await getDoc(doc(db, 'c', 'd'))).get('v')).toBe(1);
    expect(emulator.stats().faulted).toBe(2);
  });

  it('can target one RPC only, and other statuses map to their codes', async () => {
    const db = connect(emulator);
    emulator.faults.failNext({ count: 1, status: 429, rpc: 'commit' });
    expect((await getDoc(doc(db, 'c', 'x'))).exists()).toBe(false); // batchGet unaffected
    expect(await codeOf(setDoc(doc(db, 'c', 'x'), { v: 1 }))).toBe('resource-exhausted');
    emulator.faults.failNext({ status: 500, rpc: 'runQuery' });
    expect(await codeOf(getDocs(collection(db, 'c')))).toBe('unknown');
  });

  it('fails a seeded fraction of requests, reproducibly', async () => {
    const db = connect(emulator);
    const run = async () => {
      emulator.faults.failRate({ p: 0.5, seed: 42 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) outcomes.push(await getDoc(doc(db, 'c', 'r')).then(() => 'ok', (e: { code: string }) => e.code));
      emulator.faults.clear();
      return outcomes;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain('ok');
    expect(first).toContain('unavailable');
  });

  it('hangs requests until cleared; they then complete normally', async () => {
    const db = connect(emulator);
    emulator.faults.hang({ rpc: 'commit' });
    let settled = false;
    const write = setDoc(doc(db, 'c', 'hung'), { v: 1 }).finally(() => {
      settled = true;
    });
    while (emulator.faults.snapshot().hungRequests === 0) await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    expect((await getDoc(doc(db, 'c', 'hung'))).exists()).toBe(false); // other RPCs still served, write not applied
    emulator.faults.clear();
    await write;
    expect((await getDoc(doc(db, 'c', 'hung'))).get('v')).toBe(1);
  });

  it('stop() drops hung requests instead of waiting for them', async () => {
    const own = await emulatorFor();
    const db = connect(own);
    own.faults.hang();
    const pending = getDoc(doc(db, 'c', 'never'));
    while (own.faults.snapshot().hungRequests === 0) await new Promise((r) => setTimeout(r, 5));
    await own.stop();
    expect(await codeOf(pending)).toBe('unknown');
  });

  it('lost acknowledgement: the commit applies but the SDK sees a network error', async () => {
    const db = connect(emulator);
    emulator.faults.loseAcks({ count: 1 });
    expect(await codeOf(setDoc(doc(db, 'c', 'lost'), { v: 7 }))).toBe('unknown');
    expect((await getDoc(doc(db, 'c', 'lost'))).get('v')).toBe(7);
    expect(emulator.stats().lostAcks).toBe(1);
    await setDoc(doc(db, 'c', 'lost'), { v: 8 }); // only one ack lost
  });

  it('latency delays but still answers', async () => {
    const db = connect(emulator);
    emulator.faults.latency({ ms: 30 });
    expect(emulator.faults.snapshot().latency).toEqual({ ms: 30 });
    await setDoc(doc(db, 'c', 'slow'), { v: 1 });
    expect((await getDoc(doc(db, 'c', 'slow'))).get('v')).toBe(1);
  });

  it('counts requests per RPC', async () => {
    const db = connect(emulator);
    await setDoc(doc(db, 'c', 's'), { v: 1 });
    await setDoc(doc(db, 'c', 's'), { v: 2 });
    await getDoc(doc(db, 'c', 's'));
    await getDocs(collection(db, 'c'));
    expect(emulator.stats()).toMatchObject({ total: 4, byRpc: { commit: 2, batchGet: 1, runQuery: 1, runAggregationQuery: 0 } });
  });

  it('is driven over HTTP too: POST/GET/DELETE /emulator/faults and /emulator/stats', async () => {
    const db = connect(emulator);
    const set = await control('POST', '/emulator/faults', { failNext: { count: 1, status: 503, rpc: 'batchGet' }, latency: { ms: 1 } });
    expect(set.status).toBe(200);
    expect(set.json.failNext).toMatchObject({ count: 1, status: 503, rpc: 'batchGet' });
    expect(await codeOf(getDoc(doc(db, 'c', 'h')))).toBe('unavailable');
    expect((await control('GET', '/emulator/stats')).json.byRpc.batchGet).toBe(1);
    expect((await control('DELETE', '/emulator/stats')).json.total).toBe(0);
    const bad = await control('POST', '/emulator/faults', { failRate: { p: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.status).toBe('INVALID_ARGUMENT');
    expect((await control('DELETE', '/emulator/faults')).json).toEqual({ hungRequests: 0 });

    await control('POST', '/emulator/faults', { hang: true });
    const pending = getDoc(doc(db, 'c', 'h'));
    while ((await control('GET', '/emulator/faults')).json.hungRequests === 0) await new Promise((r) => setTimeout(r, 5));
    await control('POST', '/emulator/faults', { hang: false });
    expect((await pending).exists()).toBe(false);
  });

  it('rejects bad fault settings on the handle with StowageError', () => {
    expect(() => emulator.faults.failNext({ status: 200 })).toThrow(expect.objectContaining({ name: 'StowageError', code: 'invalid-argument' }));
    expect(() => emulator.faults.latency({ ms: -1 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
