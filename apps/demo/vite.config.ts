import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The demo runs the workspace packages from `src/` (their `source` export condition), so editing a
 * package shows up here without a build step.
 */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', strictPort: false },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
