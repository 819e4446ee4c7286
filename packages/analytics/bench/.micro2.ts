import { OperationLog } from '../src/operation-log.js';
import { LatencyHistogram } from '../src/latency-histogram.js';
import { HotKeyTable } from '../src/hot-keys.js';
import { StatsState } from '../src/stats-state.js';

export function micro(): void {
  const N = 2_000_000;
  const keys = Array.from({ length: 1000 }, (_, i) => `key${i}`);
  const log = new OperationLog(1000);
  const h = new LatencyHistogram();
  const hot = new HotKeyTable(500);
  const st = new StatsState(500);
  const time = (name: string, fn: (i: number) => void): void => {
    const c = process.cpuUsage();
    for (let i = 0; i < N; i++) fn(i);
    const u = process.cpuUsage(c); console.log(name.padEnd(12), (((u.user + u.system) * 1e3) / N).toFixed(1), "ns cpu");
  };
  for (let r = 0; r < 2; r++) {
    time('empty', (i) => void keys[i % 1000]);
    time('log.push', (i) => log.push(1e12, 'get', keys[i % 1000], undefined, undefined, 0.01, 'hit', undefined));
    time('hist', (i) => h.record(0.001 * (i % 100), false));
    time('hot.touch', (i) => hot.touch(keys[i % 1000]!, false));
    time('Date.now', () => void Date.now());
    time('perf.now', () => void performance.now());
    time('st.touch', () => st.touch(5));
  }
}
