#!/usr/bin/env node
// Issue 25 item 4: every name a package entry point exports can be imported beside the DOM's
// globals and unstorage's exports without aliasing — an app that writes
// `import { Storage } from '@stowage/core'` next to unstorage, or in a file that also uses the
// browser's `Storage`, must not have to rename one of them. Names that collide are allowed only as
// `@deprecated` aliases of a non-colliding export (kept for one release). Prints
// `package: name (file:line) — why` per collision.
import { loadEntryExports, location } from './entry-exports.mjs';

/** unstorage 1.17.6's exports (dist/index.d.ts, values and types): recorded, so no dependency is needed. */
const UNSTORAGE = [
  'Driver', 'DriverFlags', 'GetKeysOptions', 'Storage', 'StorageMeta', 'StorageValue', 'TransactionOptions', 'Unwatch', 'WatchCallback',
  'WatchEvent', 'builtinDrivers', 'createStorage', 'defineDriver', 'filterKeyByBase', 'filterKeyByDepth', 'hasDotSegment', 'joinKeys',
  'normalizeBaseKey', 'normalizeKey', 'prefixStorage', 'restoreSnapshot', 'snapshot',
];

const { ts, program, checker, entries, problems } = loadEntryExports();

/** Top-level names the DOM declares (interfaces, classes, vars, functions, types) in the program's lib files. */
function domGlobals() {
  const names = new Set();
  for (const sf of program.getSourceFiles()) {
    if (!/[\\/]lib\.dom(\.[a-z]+)?\.d\.ts$/.test(sf.fileName)) continue;
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) names.add(d.name.getText(sf));
      else if (st.name && ts.isIdentifier(st.name)) names.add(st.name.text);
    }
  }
  return names;
}

const dom = domGlobals();
if (!dom.has('Storage') || !dom.has('reportError')) {
  // The positive control: without lib.dom in the program every check below would pass vacuously.
  console.error('lib.dom is not in the program (no global Storage / reportError): the check would pass vacuously');
  process.exit(2);
}
const unstorage = new Set(UNSTORAGE);
const isDeprecated = (symbol) => symbol.getJsDocTags(checker).some((t) => t.name === 'deprecated');

const collisions = [...problems];
let checked = 0;
for (const { label, exports } of entries) {
  for (const { name, target } of exports) {
    checked += 1;
    const clashes = [dom.has(name) && 'a DOM global', unstorage.has(name) && 'an unstorage export'].filter(Boolean);
    if (clashes.length === 0 || (target && isDeprecated(target))) continue;
    collisions.push(`${label}: ${name} (${target ? location(target) : 'unresolved'}) — ${clashes.join(' and ')}; export it under another name and keep this one as a @deprecated alias`);
  }
}

if (collisions.length) {
  console.error(collisions.join('\n'));
  console.error(`\n${collisions.length} exported names collide (${checked} checked)`);
  process.exit(1);
}
console.log(`${checked} exported names checked: none collides with a DOM global or an unstorage export`);
