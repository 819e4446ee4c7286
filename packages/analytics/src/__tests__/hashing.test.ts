import { describe, expect, it } from 'vitest';
import { createKeyHasher, instrument } from '../index.js';
import { world } from './helpers.js';

const SECRET_KEYS = ['user:alice@example.com', 'session-token', 'card,4242'];

/** Everything that can leave the process, as one string. */
async function everything(w: ReturnType<typeof world>, a: ReturnType<ReturnType<typeof world>['analytics']>): Promise<string> {
  await a.flush();
  const persisted = await w.storage('analytics').get('stats');
  return JSON.stringify([a.generateReport(), a.getOperationHistory(), a.analyzeHotData(), a.getStats()]) + a.exportCsv() + JSON.stringify(persisted);
}

async function traffic(s: ReturnType<typeof instrument>): Promise<void> {
  for (const k of SECRET_KEYS) {
    await s.set(k, { v: k });
    await s.get(k);
  }
  await s.getMany(SECRET_KEYS);
  await s.setMany(SECRET_KEYS.map((k) => [k, 1] as const));
  await s.has(SECRET_KEYS[0]!);
  await s.remove(SECRET_KEYS[1]!);
}

describe('hashKeys', () => {
  it('no raw key name appears in the log, hot keys, report, CSV or persisted stats', async () => {
    const w = world();
    const a = w.analytics({ storage: w.storage('analytics'), hashKeys: true });
    await traffic(instrument(w.storage(), a));
    const out = await everything(w, a);
    for (const k of SECRET_KEYS) expect(out).not.toContain(k);
    expect(a.analyzeHotData().keys.length).toBe(3);
    expect(a.getOperationHistory().filter((e) => e.key !== undefined).every((e) => /^[0-9a-f]{16}$/.test(e.key!))).toBe(true);
  });

  it('the same traffic without hashing shows the names (the check above can fail)', async () => {
    const w = world();
    const a = w.analytics({ storage: w.storage('analytics') });
    await traffic(instrument(w.storage(), a));
    const out = await everything(w, a);
    for (const k of SECRET_KEYS) expect(out).toContain(k.includes(',') ? 'card' : k);
  });

  it('with a fixed salt, keys hash to createKeyHasher(salt) and stay stable across reloads', async () => {
    const w = world();
    const hash = createKeyHasher('pepper');
    const a = w.analytics({ storage: w.storage('analytics'), hashKeys: { salt: 'pepper' } });
    const s = instrument(w.storage(), a);
    await s.set('k', 1);
    await s.get('k');
    await a.close();
    expect(a.getOperationHistory().map((e) => e.key)).toEqual([hash('k'), hash('k')]);
    const b = w.analytics({ storage: w.storage('analytics'), hashKeys: { salt: 'pepper' } });
    await b.ready();
    await instrument(w.storage(), b).get('k');
    expect(b.analyzeHotData().keys).toMatchObject([{ key: hash('k'), accesses: 3 }]);
  });

  it('with a random salt, the salt is persisted so hot keys keep adding up after a reload', async () => {
    const w = world();
    const a = w.analytics({ storage: w.storage('analytics'), hashKeys: true });
    const s = instrument(w.storage(), a);
    await s.get('k');
    await a.close();
    const first = a.analyzeHotData().keys[0]?.key;
    const b = w.analytics({ storage: w.storage('analytics'), hashKeys: true });
    await b.ready();
    await instrument(w.storage(), b).get('k');
    expect(b.analyzeHotData().keys).toMatchObject([{ key: first, accesses: 2 }]);
  });

  it('hot keys stored raw are dropped when hashing is turned on (and hashed ones when turned off)', async () => {
    const w = world();
    const a = w.analytics({ storage: w.storage('analytics') });
    await instrument(w.storage(), a).get('plain-name');
    await a.close();
    const b = w.analytics({ storage: w.storage('analytics'), hashKeys: { salt: 's' } });
    await b.ready();
    expect(b.getStats().reads).toBe(1);
    expect(b.analyzeHotData().keys).toEqual([]);
    await b.flush();
    expect(JSON.stringify(await w.storage('analytics').get('stats'))).not.toContain('plain-name');
    await instrument(w.storage(), b).get('other');
    await b.close();
    const c = w.analytics({ storage: w.storage('analytics') });
    await c.ready();
    expect(c.getStats().reads).toBe(2);
    expect(c.analyzeHotData().keys).toEqual([]);
  });
});
