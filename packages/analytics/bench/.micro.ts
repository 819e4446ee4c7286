import { createStorage, memoryDriver } from '@stowage/core';
import { createAnalytics, instrument } from '../src/index.js';
import { AnalyticsImpl } from '../src/analytics.js';

export async function micro(): Promise<void> {
  const a = createAnalytics({ pagehideTarget: false }) as AnalyticsImpl;
  const N = 1_000_000;
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) a.recordOperation(0, 'get', `key${i % 1000}`, undefined, undefined, 0.01, 'hit', undefined, 1, 1);
    console.log('recordOperation ns/op', ((performance.now() - t) * 1e6) / N);
    t = performance.now();
    for (let i = 0; i < N; i++) a.recordOperation(0, 'get', `key${i % 10}`, undefined, undefined, 0.01, 'hit', undefined, 1, 1);
    console.log('recordOperation (10 keys) ns/op', ((performance.now() - t) * 1e6) / N);
  }
  // wrapper over a trivial storage
  const fake = { get: (k: string) => Promise.resolve(k), subscribe: () => () => undefined, info: async () => ({ currentSize: 0 }), prefix: 'x' } as never;
  const s = instrument(fake, a);
  const M = 200_000;
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    for (let i = 0; i < M; i++) await (fake as { get(k: string): Promise<string> }).get(`key${i % 1000}`);
    const base = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < M; i++) await s.get(`key${i % 1000}`);
    const inst = performance.now() - t;
    console.log('trivial get ns', (base * 1e6) / M, 'instrumented ns', (inst * 1e6) / M);
  }
  const st = createStorage({ driver: memoryDriver(), broadcast: false });
  await st.set('k', 1);
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < M; i++) await st.get('k');
    console.log('core get ns', ((performance.now() - t) * 1e6) / M);
  }
  await a.close();
}
