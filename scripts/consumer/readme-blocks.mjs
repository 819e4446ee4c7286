// The README code blocks of the consumer test (issue 25 item 5): every ```ts / ```js block of the
// root README and of each packages/*/README.md is a module of its own, type-checked strictly
// against the installed tarballs and run — in Chromium, or in Node for a block fenced ```ts node.
// A block opts out only with a visible first line saying why:
//   // fragment: <reason>            neither type-checked nor run (a signature, another platform's code)
//   // type-checked only: <reason>   type-checked, not run (e.g. a test file for a test runner)
// A block may not create a storage that silently runs in memory (no `driver` and no `storage`).
// Blocks of a private package's README (no user installs it) are type-checked in the workspace
// against its sources instead, and not run.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { sh } from './exec.mjs';

const LANGS = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };
const OPT_OUT = /^\/\/ (fragment|type-checked only): (\S.*)$/;
/** Factories that fall back to a memory driver when given neither `driver` nor `storage`. */
const MEMORY_BY_DEFAULT = new Set(['createStowageStorage', 'createStorage', 'createMiniStorage', 'createStorageManager']);

/** The READMEs checked, relative to the repo: the root one, then each package's. */
export function readmeFiles(root) {
  const packages = readdirSync(join(root, 'packages')).sort().map((d) => `packages/${d}/README.md`);
  return ['README.md', ...packages.filter((f) => existsSync(join(root, f)))];
}

/**
 * The code blocks of `file` (relative to `root`): `{ id, file, line, lang, code, mode, reason }` —
 * `line` is the fence's (1-based), so line n of `code` is README line `line + n`; `mode` is 'browser',
 * 'node', 'type-checked only' or 'fragment'.
 */
export function blocksOf(root, file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, lang, info] = open;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    if (LANGS[lang]) {
      const optOut = OPT_OUT.exec(body[0] ?? '');
      const mode = optOut ? optOut[1] : info.split(/\s+/).includes('node') ? 'node' : 'browser';
      const slug = file === 'README.md' ? 'root' : file.split('/')[1];
      blocks.push({ id: `${slug}-L${i + 1}.${LANGS[lang]}`, file, line: i + 1, lang: LANGS[lang], code: `${body.join('\n')}\n`, mode, reason: optOut?.[2] });
    }
    i = end;
  }
  return blocks;
}

/** `README:line` of each opening fence that names no language: code in one would dodge the check. */
export function untaggedFences(root) {
  return readmeFiles(root).flatMap((file) => {
    const found = [];
    let open = false;
    readFileSync(join(root, file), 'utf8').split('\n').forEach((l, i) => {
      const fence = /^\s*```(\S*)/.exec(l);
      if (!fence) return;
      if (!open && fence[1] === '') found.push(`${file}:${i + 1}`);
      open = !open;
    });
    return found;
  });
}

/** Every block of every README. */
export function allBlocks(root) {
  return readmeFiles(root).flatMap((f) => blocksOf(root, f));
}

/**
 * Calls in `block` that make a storage with neither a `driver` nor a `storage` option (nor a spread
 * that may carry one): such a storage runs in memory and loses everything on reload, which a README
 * must never show without saying so. Resolves to `README:line: why` strings.
 */
export function memoryFallbacks(block) {
  const sf = ts.createSourceFile(block.id, block.code, ts.ScriptTarget.Latest, true, block.lang === 'js' ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && MEMORY_BY_DEFAULT.has(node.expression.text)) {
      const [arg] = node.arguments;
      const ok = arg && (!ts.isObjectLiteralExpression(arg) || arg.properties.some((p) => ts.isSpreadAssignment(p) || ['driver', 'storage'].includes(p.name?.getText(sf))));
      if (!ok) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        found.push(`${block.file}:${block.line + line + 1}: ${node.expression.text}(…) without a driver runs in memory`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Writes each block that is type-checked into `dir` (the app's readme/blocks/), as `<id>`. */
export function writeBlocks(blocks, dir) {
  mkdirSync(dir, { recursive: true });
  for (const b of blocks) if (b.mode !== 'fragment') writeFileSync(join(dir, b.id), b.code);
}

/**
 * Rewrites tsc's `blocks/<id>(line,col)` locations in `output` to `README.md:line:col`, so a failure
 * points at the README line to fix.
 */
export function toReadmeLocations(output, blocks) {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  return output.replace(/(?:[\w./-]*\/)?blocks\/([\w.-]+)\((\d+),(\d+)\)/g, (whole, id, line, col) => {
    const b = byId.get(id);
    return b ? `${b.file}:${b.line + Number(line)}:${col}` : whole;
  });
}

/**
 * Runs a ```ts node block in plain Node from the app (so it imports the installed tarballs):
 * transpiled to readme/node/<id>.mjs, then `node` on it. Resolves to its output's last line.
 */
export function runNodeBlock(appDir, block) {
  const dir = join(appDir, 'readme/node');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, block.id.replace(/\.[jt]s$/, '.mjs'));
  const { outputText } = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(file, outputText);
  return sh(process.execPath, [file], { cwd: appDir, timeoutMs: 60_000 }).trim().split('\n').pop() || 'ran';
}

/**
 * `{ '@stowage/x/sub': [source file] }` for every subpath of every workspace package (the `source`
 * condition), so blocks of a private package — never packed — resolve the workspace's sources.
 */
function workspacePaths(root) {
  const paths = {};
  for (const d of readdirSync(join(root, 'packages'))) {
    const pj = join(root, 'packages', d, 'package.json');
    if (!existsSync(pj)) continue;
    const { name, exports } = JSON.parse(readFileSync(pj, 'utf8'));
    for (const [sub, target] of Object.entries(exports ?? {})) {
      if (typeof target?.source === 'string') paths[sub === '.' ? name : `${name}/${sub.slice(2)}`] = [join(root, 'packages', d, target.source)];
    }
  }
  return paths;
}

/**
 * Type-checks `blocks` (those of private packages, which no user installs) in the workspace: the
 * root tsconfig's strict options, workspace packages from their sources, `vitest` from the root.
 * Each block is a virtual module beside the root; resolves to the diagnostics as `README:line:col: …`.
 */
export function typecheckInWorkspace(root, blocks) {
  const virtual = new Map(blocks.filter((b) => b.mode !== 'fragment').map((b) => [join(root, '.readme-blocks', b.id), b]));
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const options = { ...config.options, noEmit: true, moduleDetection: ts.ModuleDetectionKind.Force, allowJs: true, checkJs: true, baseUrl: root, paths: workspacePaths(root), types: [] };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f).code, lang, true) : getSourceFile.call(host, f, lang, ...rest));
  const program = ts.createProgram([...virtual.keys()], options, host);
  // Only the blocks' own diagnostics: the sources they import are the workspace typecheck's job.
  const diagnostics = [...program.getOptionsDiagnostics(), ...[...virtual.keys()].flatMap((f) => {
    const sf = program.getSourceFile(f);
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
  })];
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const b = d.file && virtual.get(d.file.fileName);
    if (!b) return `${d.file ? d.file.fileName : ''}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${b.file}:${b.line + line + 1}:${character + 1}: error TS${d.code}: ${text}`;
  });
}
