// Bundles a benchmark entry (TypeScript, importing packages from src/ through the `source`
// condition) into one unminified ES module string with Vite, so Node and Chromium run
// byte-for-byte the same code without a dev server. Dynamic imports are inlined. Used by the cache and analytics benchmarks.
import { build } from 'vite';

/** @param {string} entry absolute path of the entry module @returns {Promise<string>} the bundle's code */
export async function bundleEntry(entry) {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', 'module', 'browser'] },
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'bench' },
      // One module: the page loads it as an inline script, so chunks split off for `import()`
      // (core's backup code, the fflate fallback) would have no URL to load from.
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
  const chunk = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry);
  if (!chunk) throw new Error(`no bundle produced for ${entry}`);
  return chunk.code;
}
