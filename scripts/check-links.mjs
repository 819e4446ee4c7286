#!/usr/bin/env node
// Every relative link of the repo's Markdown files must resolve inside the repository: a link to a
// file beside the repo (../shared/…) works on one machine and is broken in any clone or tarball.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const SKIP = new Set(['node_modules', '.git', 'dist', '.test-results', 'test-results', 'playwright-report']);

function markdownFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? markdownFiles(p) : e.name.endsWith('.md') ? [p] : [];
  });
}

const problems = [];
for (const file of markdownFiles(root)) {
  // Fenced code is not prose: `[a](b)` there is code, not a link.
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  // Links, and relative paths written as code (`../x/y.md`): both are references a reader follows.
  const links = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...text.matchAll(/`(\.\.\/[^`\s]+)`/g)];
  for (const [, target] of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // URLs, anchors
    const path = resolve(dirname(file), decodeURI(target.split('#')[0]));
    const where = relative(root, file);
    if (relative(root, path).startsWith('..')) problems.push(`${where}: ${target} points outside the repository`);
    else if (!existsSync(path)) problems.push(`${where}: ${target} does not exist`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('markdown links: ok');
