import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from './scripts/chromium.js';

/**
 * Two Vitest projects:
 * - `unit`: Node, fast; IndexedDB through fake-indexeddb, DOM through happy-dom where a test asks.
 * - `browser`: real Debian Chromium through Playwright; every `*.browser.test.ts`.
 * Packages resolve through their `source` export condition, so everything runs from `src/`.
 */
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  // Pre-bundle CommonJS deps up front, or Vite reloads the page mid-run the first time a test imports them.
  optimizeDeps: { include: ['localforage', 'lz-string', 'crypto-js', 'crypto-js/aes.js', 'crypto-js/pad-nopadding.js', 'idb-keyval', 'fflate'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.ts'],
          globalSetup: ['packages/firestore-emulator/src/vitest-global-setup.ts'],
          testTimeout: 30_000,
          // One file at a time: files share the emulators started by the global setup (whose fault
          // injection is global) and some override the origin's storage quota through CDP.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
