import { createStorage, memoryDriver } from '@stowage/core';
import type { Storage } from '@stowage/core';
import { createAnalytics, instrument } from '../src/index.js';

export async function micro(mode: string): Promise<void> {
  const inner = createStorage({ driver: memoryDriver(), broadcast: false });
  const a = createAnalytics({ pagehideTarget: false });
  let s: Pick<Storage, 'set'> = inner;
  if (mode === 'inst') s = instrument(inner, a);
  if (mode === 'then') s = { set: (k, v) => inner.set(k, v).then((x) => x, (e) => { throw e; }) };
  if (mode === 'timers') s = { set: (k, v) => { const t0 = performance.now(); return inner.set(k, v).then((x) => { void (performance.now() - t0); return x; }); } };
  if (mode === 'listeners') {
    a.attachStorage(inner);
    inner.subscribe(() => undefined);
  }
  const value = { id: 1, name: 'a reasonably sized value', tags: ['x', 'y', 'z'], n: 3.14 };
  const c = process.cpuUsage();
  for (let r = 0; r < 3000; r++) {
    const batch: Promise<void>[] = [];
    for (let j = 0; j < 100; j++) batch.push(s.set(`key${(r * 100 + j) % 1000}`, value));
    await Promise.all(batch);
  }
  const u = process.cpuUsage(c);
  console.log(mode.padEnd(10), ((u.user + u.system) / 300000).toFixed(2), 'µs cpu per set');
  await a.close();
}
