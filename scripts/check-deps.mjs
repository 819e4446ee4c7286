#!/usr/bin/env node
// Enforces the dependency arrows of DESIGN.md §1 on every package's package.json and on its imports:
// core ← everything; only @stowage/firestore imports firebase; apps talk to packages; no cycles.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const allowed = {
  '@stowage/core': [],
  '@stowage/drivers': ['@stowage/core'],
  '@stowage/codecs': ['@stowage/core'],
  '@stowage/mini': ['@stowage/core'],
  '@stowage/cache': ['@stowage/core'],
  '@stowage/analytics': ['@stowage/core'],
  '@stowage/queue': ['@stowage/core'],
  '@stowage/sync': ['@stowage/core', '@stowage/queue'],
  '@stowage/firestore': ['@stowage/core', '@stowage/sync', '@stowage/queue'],
  '@stowage/firestore-emulator': ['@stowage/core'],
  '@stowage/test-utils': ['*'],
  stowage: ['*'],
};
const problems = [];
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : files(p);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });

for (const dir of readdirSync(join(root, 'packages'))) {
  const pj = join(root, 'packages', dir, 'package.json');
  if (!existsSync(pj)) continue;
  const pkg = JSON.parse(readFileSync(pj, 'utf8'));
  const rule = allowed[pkg.name];
  if (!rule) {
    problems.push(`${pkg.name}: not in the dependency map of scripts/check-deps.mjs (add it with its allowed arrows)`);
    continue;
  }
  const src = join(root, 'packages', dir, 'src');
  if (!existsSync(src) || !statSync(src).isDirectory()) continue;
  for (const f of files(src)) {
    const isTest = f.includes('__tests__') || /\.test\.ts$/.test(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (/^(firebase|@firebase)(\/|$)/.test(spec) && pkg.name !== '@stowage/firestore' && !(isTest && pkg.name === '@stowage/firestore-emulator')) {
        problems.push(`${f.slice(root.length)}: imports ${spec}; only @stowage/firestore may import firebase`);
      }
      const ws = spec.match(/^(@stowage\/[^/]+|stowage)(\/|$)/)?.[1];
      if (!ws || ws === pkg.name || isTest || rule.includes('*')) continue;
      if (!rule.includes(ws)) problems.push(`${f.slice(root.length)}: ${pkg.name} must not import ${ws}`);
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('dependency direction: ok');
