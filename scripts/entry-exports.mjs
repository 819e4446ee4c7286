// The public surface of the workspace's packages as the TypeScript checker sees it: every entry
// point (each `source` condition of each package.json `exports`) and what it exports, re-exports
// followed to the symbol they name. Shared by the API checks (TSDoc, export names).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const root = new URL('..', import.meta.url).pathname;

/** Every `source` condition file of a package.json `exports` field, as [subpath, absolute file]. */
function sourceEntries(dir, exportsField) {
  if (exportsField === undefined) return [];
  // `"exports": "./x"` or `{ "source": ..., "default": ... }` is shorthand for the "." subpath.
  const map = typeof exportsField === 'string' || !Object.keys(exportsField).some((k) => k.startsWith('.')) ? { '.': exportsField } : exportsField;
  const entries = [];
  for (const [subpath, target] of Object.entries(map)) {
    // String targets (e.g. "./package.json") carry no source condition: nothing to document.
    if (target && typeof target === 'object' && typeof target.source === 'string') entries.push([subpath, join(dir, target.source)]);
  }
  return entries;
}

/**
 * Loads every entry point into one program (the root tsconfig's options: its lib has the DOM).
 * Resolves to `{ ts, program, checker, entries, problems }`: `entries` are `{ label, private, exports }`
 * with `exports` as `{ name, target }` (target: the declared symbol, `undefined` when a re-export
 * does not resolve); `problems` lists entries that are not modules. Exits 2 on a broken setup.
 */
export function loadEntryExports() {
  const packages = [];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name);
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    packages.push({ name: pkg.name, private: pkg.private === true, entries: sourceEntries(dir, pkg.exports) });
  }
  const configPath = join(root, 'tsconfig.json');
  const configFile = ts.readConfigFile(configPath, ts.sys.readFile);
  if (configFile.error) {
    console.error(ts.flattenDiagnosticMessageText(configFile.error.messageText, '\n'));
    process.exit(2);
  }
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root, undefined, configPath);
  const rootNames = packages.flatMap((p) => p.entries.map(([, file]) => file));
  const missingEntry = rootNames.filter((f) => !existsSync(f));
  if (missingEntry.length) {
    console.error(`source entry files not found:\n${missingEntry.map((f) => `  ${relative(root, f)}`).join('\n')}`);
    process.exit(2);
  }
  const program = ts.createProgram({ rootNames, options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();
  const entries = [];
  const problems = [];
  for (const pkg of packages) {
    for (const [subpath, file] of pkg.entries) {
      const label = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
      const sf = program.getSourceFile(file);
      const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
      if (!moduleSymbol) {
        // An entry with no import/export statements is a script, not a module: it exports nothing.
        problems.push(`${label}: entry ${relative(root, file)} is not a module`);
        continue;
      }
      const exports = checker.getExportsOfModule(moduleSymbol).map((exported) => {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const resolved = !(target.flags & ts.SymbolFlags.Alias) && target.declarations?.length;
        return { name: exported.name, exported, target: resolved ? target : undefined };
      });
      entries.push({ label, private: pkg.private, exports });
    }
  }
  return { ts, program, checker, entries, problems };
}

/** `file:line` of a symbol's first declaration, relative to the repo. */
export function location(symbol) {
  const decl = symbol.declarations?.[0];
  if (!decl) return '?';
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart(sf));
  return `${relative(root, sf.fileName)}:${line + 1}`;
}
