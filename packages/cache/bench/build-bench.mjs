// Bundles a benchmark entry (TypeScript, importing the package from src/) into one ES module string
// with Vite, so Node and Chromium run byte-for-byte the same code without a dev server.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

/** @param {string} entry path relative to this folder @returns {Promise<string>} the bundle's code */
export async function bundle(entry) {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', 'module', 'browser'] },
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: fileURLToPath(new URL(entry, import.meta.url)), formats: ['es'], fileName: 'bench' },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry);
  if (!chunk) throw new Error(`no bundle produced for ${entry}`);
  return chunk.code;
}
