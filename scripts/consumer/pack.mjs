// Packs each published package as `pnpm publish` would (workspace: ranges replaced,
// publishConfig.exports without the `source` condition), and lints each tarball.
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
  return filename;
}

/** publint (strict: warnings fail too) and Are the Types Wrong (ESM-only profile) on a tarball. */
export function lintTarball(root, tarball) {
  sh(join(root, 'node_modules/.bin/publint'), [tarball, '--strict'], { cwd: root });
  sh(join(root, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--no-color', '--no-emoji'], { cwd: root });
}
