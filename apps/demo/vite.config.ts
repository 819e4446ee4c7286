import { join } from 'node:path';
import { defaultClientConditions, defineConfig } from 'vite';
import { precacheManifest } from './precache-plugin.js';
import { serviceWorkerDev } from './sw-dev-plugin.js';

/**
 * The demo runs the workspace packages from `src/` (their `source` export condition), so editing a
 * package shows up here without a build step. The build has three entries: the page, the service
 * worker (`sw.js`, unhashed, at the root so its scope is the whole app) and the sync harness page
 * the e2e specs drive sync engines through, tab by tab (`sync-harness.html`, not linked from the demo).
 */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', strictPort: false },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        main: join(import.meta.dirname, 'index.html'),
        sw: join(import.meta.dirname, 'src/sw.ts'),
        harness: join(import.meta.dirname, 'sync-harness.html'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  plugins: [precacheManifest(), serviceWorkerDev()],
});
