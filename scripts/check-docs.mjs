#!/usr/bin/env node
// Enforces DESIGN.md §5.9 "TSDoc on every export": every symbol exported by a package entry point
// (each `source` condition of each package's package.json `exports`) must have at least one
// declaration carrying a JSDoc comment with non-empty text. Re-exports are followed to the symbol
// they name, so the comment lives where the thing is declared. Members of interfaces, classes and
// object types are not checked. Prints `package: exportName (file:line)` per undocumented export.
import { loadEntryExports, location } from './entry-exports.mjs';

const { ts, checker, entries, problems } = loadEntryExports();

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

const missing = [...problems];
let documented = 0;
for (const { label, exports } of entries) {
  for (const { name, exported, target } of exports) {
    // A re-export whose target cannot be resolved (broken import) is reported, not skipped.
    if (!target) missing.push(`${label}: ${name} (unresolved: ${location(exported)})`);
    else if (isDocumented(target)) documented += 1;
    else missing.push(`${label}: ${name} (${location(target)})`);
  }
}

if (missing.length) {
  console.error(missing.join('\n'));
  console.error(`\n${missing.length} exports without TSDoc (${documented} documented)`);
  process.exit(1);
}
console.log(`${documented} exports documented`);
