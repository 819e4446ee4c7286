#!/usr/bin/env node
// Enforces DESIGN.md §5.9 "TSDoc on every export": every symbol exported by a package entry point
// (each `source` condition of each package's package.json `exports`) must have at least one
// declaration carrying a JSDoc comment with non-empty text. Re-exports are followed to the symbol
// they name, so the comment lives where the thing is declared. Members of interfaces, classes and
// object types are not checked. Prints `package: exportName (file:line)` per undocumented export.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

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

const packages = [];
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) continue;
  const pkg = JSON.parse(readFileSync(pj, 'utf8'));
  packages.push({ name: pkg.name, entries: sourceEntries(dir, pkg.exports) });
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

/** True when the JSDoc node has description text (not just tags). */
function hasText(doc) {
  if (!ts.isJSDoc(doc) || doc.comment === undefined) return false;
  const text = typeof doc.comment === 'string' ? doc.comment : ts.getTextOfJSDocComment(doc.comment);
  return (text ?? '').trim().length > 0;
}

function isDocumented(symbol) {
  if (symbol.getDocumentationComment(checker).some((part) => part.text.trim().length > 0)) return true;
  return (symbol.declarations ?? []).some((decl) => ts.getJSDocCommentsAndTags(decl).some(hasText));
}

function location(symbol) {
  const decl = symbol.declarations?.[0];
  if (!decl) return '?';
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart(sf));
  return `${relative(root, sf.fileName)}:${line + 1}`;
}

const missing = [];
let documented = 0;
for (const pkg of packages) {
  for (const [subpath, file] of pkg.entries) {
    const label = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
    const sf = program.getSourceFile(file);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) {
      // An entry with no import/export statements is a script, not a module: it exports nothing.
      missing.push(`${label}: entry ${relative(root, file)} is not a module`);
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      // A re-export whose target cannot be resolved (broken import) is reported, not skipped.
      if (target.flags & ts.SymbolFlags.Alias || !target.declarations?.length) {
        missing.push(`${label}: ${exported.name} (unresolved: ${location(exported)})`);
        continue;
      }
      if (isDocumented(target)) documented += 1;
      else missing.push(`${label}: ${exported.name} (${location(target)})`);
    }
  }
}

if (missing.length) {
  console.error(missing.join('\n'));
  console.error(`\n${missing.length} exports without TSDoc (${documented} documented)`);
  process.exit(1);
}
console.log(`${documented} exports documented`);
