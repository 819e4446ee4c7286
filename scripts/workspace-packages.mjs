// The workspace's published packages and their clean build: shared by the consumer test and
// `pnpm release:dry`, so both see exactly what `pnpm release:publish` would ship.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './consumer/exec.mjs';

/** `{ name, version, dir }` of each packages/* that is not private. */
export function publishedPackages(root) {
  return readdirSync(join(root, 'packages'))
    .map((d) => ({ dir: join(root, 'packages', d), pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name, version: pkg.version, dir }));
}

/** Clean build of all packages in dependency order (stale dist/ files would end up in tarballs). */
export function buildAll(root) {
  sh(process.execPath, [join(root, 'scripts/clean-dist.mjs')], { cwd: root });
  sh(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], { cwd: root });
}
