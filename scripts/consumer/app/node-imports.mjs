// Imports every entry point of every installed @stowage package (and `stowage`) in plain Node,
// with no DOM globals — what an SSR build does on the server. Nothing may throw at import time.
import { readFileSync } from 'node:fs';

const app = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const browserGlobals = ['window', 'document', 'indexedDB', 'localStorage'].filter((g) => g in globalThis);
if (browserGlobals.length) throw new Error(`not a DOM-less Node: ${browserGlobals.join(', ')} defined`);

const failures = [];
let count = 0;
for (const name of Object.keys(app.dependencies).filter((n) => n === 'stowage' || n.startsWith('@stowage/'))) {
  const pkg = JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'));
  for (const subpath of Object.keys(pkg.exports).filter((s) => s !== './package.json')) {
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    count += 1;
    try {
      await import(specifier);
    } catch (err) {
      failures.push(`${specifier}: ${err?.stack ?? err}`);
    }
  }
}
if (failures.length) {
  console.error(failures.join('\n\n'));
  process.exit(1);
}
console.log(`imported ${count} entry points in plain Node`);
