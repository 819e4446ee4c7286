#!/usr/bin/env node
// Deletes every package's dist/ (build output), so the next `tsc -b` starts from nothing: tsc -b
// alone never removes the output of a source file that was deleted or renamed, and such a stale
// file would be packed into the tarball.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const packages = join(new URL('..', import.meta.url).pathname, 'packages');
for (const dir of readdirSync(packages)) rmSync(join(packages, dir, 'dist'), { recursive: true, force: true });
