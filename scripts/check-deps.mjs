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
/**
 * The only modules a package may load with `import()`, and why it is safe there. A service worker
 * cannot call `import()` (the sync engine and the outbox run in one), so storage, sync and queue
 * code on the read/write/sync paths must import statically; only code a worker has no reason to
 * run may be a lazy chunk.
 */
const dynamicImports = {
  'packages/core/src/namespace/admin.ts': ['./backup.js', './rewrite.js', './migrate.js'], // backup/CSV, re-encode, migrate/history: explicit admin calls
  'packages/codecs/src/deflate.ts': ['./deflate-fflate.js'], // only where CompressionStream is missing or a non-default level is asked for
  'packages/stowage/src/lazy-firestore-remote.ts': ['@stowage/firestore'], // pages only; index.ts exports a static variant for workers
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
    if (!isTest) {
      const rel = f.slice(root.length);
      for (const m of text.matchAll(/(?<![\w.])import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        if (!(dynamicImports[rel] ?? []).includes(m[1])) {
          problems.push(`${rel}: import('${m[1]}') is not in the allowed dynamic imports of scripts/check-deps.mjs (service workers cannot import())`);
        }
      }
    }
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
