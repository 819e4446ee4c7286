// Prints a benchmark report as a table (or JSON) with the ratio the issue asks about.
import { readFileSync } from 'node:fs';

const version = (pkg) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;

/** @param {{ environment: string, workload: object, results: { name: string, ttl: boolean, median: number, runs: number[], hitRate: number }[] }} report */
export function printReport(report, json = false) {
  const find = (name, ttl) => report.results.find((r) => r.name === name && r.ttl === ttl);
  const ours = find('@stowage/cache createLruCache', true);
  const peer = find('lru-cache', true);
  const ratio = ours && peer ? ours.median / peer.median : NaN;
  const full = {
    date: new Date().toISOString().slice(0, 10),
    versions: { 'lru-cache': version('lru-cache'), 'quick-lru': version('quick-lru'), mnemonist: version('mnemonist') },
    ...report,
    ratio,
  };
  if (json) {
    console.log(JSON.stringify(full, null, 2));
    return full;
  }
  const w = report.workload;
  console.log(`${report.environment} — ${full.date}; ${w.ops} ops, ${Math.round(w.getRatio * 100)} % get, ${w.keyCount} keys, capacity ${w.capacity}, Zipf s=${w.zipfS}; median of ${report.results[0]?.runs.length} runs`);
  console.log(`versions: ${Object.entries(full.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const r of report.results) {
    console.log(`  ${(r.name + (r.ttl ? ' (TTL)' : ' (no TTL)')).padEnd(44)} ${(r.median / 1e6).toFixed(2).padStart(7)} M ops/s   hit rate ${(r.hitRate * 100).toFixed(1)} %`);
  }
  console.log(`ratio createLruCache / lru-cache (both with TTL): ${ratio.toFixed(2)}×`);
  return full;
}
