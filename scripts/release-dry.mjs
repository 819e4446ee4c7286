#!/usr/bin/env node
// `pnpm release:dry`: what `pnpm release:publish` (changeset publish) would publish, changing and
// publishing nothing — the versions the pending changesets give each package, then each tarball as
// pnpm would pack it from a clean build: name@version, file count, size and files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh } from './consumer/exec.mjs';
import { buildAll, publishedPackages } from './workspace-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'stowage-release-dry-'));
try {
  const statusFile = join(tmp, 'status.json');
  sh(join(root, 'node_modules/.bin/changeset'), ['status', `--output=${statusFile}`], { cwd: root });
  const { releases, changesets } = JSON.parse(readFileSync(statusFile, 'utf8'));
  const next = new Map(releases.map((r) => [r.name, r]));
  console.log(`${changesets.length} pending changeset(s): ${changesets.map((c) => c.id).join(', ') || 'none'}`);
  buildAll(root);
  for (const p of publishedPackages(root)) {
    const out = sh('pnpm', ['pack', '--dry-run', '--json'], { cwd: p.dir });
    const { files } = JSON.parse(out.slice(out.indexOf('{')));
    const release = next.get(p.name);
    const version = release ? `${p.version} → ${release.newVersion} (${release.type})` : `${p.version} (no changeset: unchanged, published only if not on the registry)`;
    console.log(`\n${p.name} ${version}: ${files.length} files`);
    console.log(`  ${files.map((f) => f.path).join('\n  ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
