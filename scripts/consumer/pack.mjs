// Packs each published package as `pnpm publish` would (workspace: ranges replaced,
// publishConfig.exports without the `source` condition), and lints each tarball.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './exec.mjs';

/** What a tarball may hold besides dist/: npm's own files and, per package, files users need. */
const EXTRA_FILES = { '@stowage/firestore-emulator': ['firestore.rules'] };
const ALWAYS = ['package.json', 'README.md', 'LICENSE'];

/** Packs one package into `dest`; resolves to the tarball's path. Throws on a file that must not ship. */
export function pack({ name, dir }, dest) {
  const out = sh('pnpm', ['pack', '--json', '--pack-destination', dest], { cwd: dir });
  const { filename, files } = JSON.parse(out.slice(out.indexOf('{')));
  const paths = files.map((f) => f.path);
  const allowed = new Set([...ALWAYS, ...(EXTRA_FILES[name] ?? [])]);
  const wrong = paths.filter((p) => !(allowed.has(p) || (p.startsWith('dist/') && !/__tests__|\.test\.|\.tsbuildinfo$/.test(p))));
  if (wrong.length) throw new Error(`${name}: tarball has files it must not ship: ${wrong.join(', ')}`);
  for (const required of ALWAYS) if (!paths.includes(required)) throw new Error(`${name}: tarball lacks ${required}`);
  checkPackedManifest(name, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), JSON.parse(sh('tar', ['-xzOf', filename, 'package/package.json'], { cwd: dest })));
  return filename;
}

/**
 * The published `exports` (publishConfig.exports) must be the workspace's minus the `source`
 * condition — same subpaths, same targets — or an export added in one place only would go
 * unnoticed; and no private workspace package may be a dependency of a published one.
 */
function checkPackedManifest(name, workspace, packed) {
  const expected = Object.fromEntries(
    Object.entries(workspace.exports).map(([k, v]) => [k, typeof v === 'string' ? v : Object.fromEntries(Object.entries(v).filter(([c]) => c !== 'source'))]),
  );
  if (JSON.stringify(packed.exports) !== JSON.stringify(expected)) {
    throw new Error(`${name}: published exports ${JSON.stringify(packed.exports)} are not the workspace's without "source": ${JSON.stringify(expected)}`);
  }
  const runtime = { ...packed.dependencies, ...packed.peerDependencies };
  const private_ = Object.keys(runtime).filter((d) => d === '@stowage/test-utils' || /^workspace:/.test(runtime[d]));
  if (private_.length) throw new Error(`${name}: tarball depends on ${private_.map((d) => `${d}@${runtime[d]}`).join(', ')}`);
}

/** publint (strict: warnings fail too) and Are the Types Wrong (ESM-only profile) on a tarball. */
export function lintTarball(root, tarball) {
  sh(join(root, 'node_modules/.bin/publint'), [tarball, '--strict'], { cwd: root });
  sh(join(root, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--no-color', '--no-emoji'], { cwd: root });
}
