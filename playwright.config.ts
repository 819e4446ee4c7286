import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/chromium.js';

/** Port of the demo's preview server during e2e runs (away from Vite's 5173 used by `npm start`). */
const PORT = Number(process.env.E2E_PORT ?? 4180);
/** Port of the Firestore emulator during e2e runs (away from the 8080 of `npm start`). */
const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 8181);
const baseURL = `http://127.0.0.1:${PORT}`;
process.env.E2E_EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;

/**
 * End-to-end specs against the demo app in Debian's Chromium (Playwright cannot download its own
 * browser here). The demo runs as a production build (`vite build` + `vite preview`) so its service
 * worker precaches the real files; it syncs with a local Firestore emulator started here too.
 * One worker: the machine has two cores and the servers need one.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Baselines of e2e/visual.spec.ts, one per panel, named after it: the README links them as "what
  // you will see". No platform suffix: CI runs the same Debian Chromium that made them.
  snapshotPathTemplate: '{testDir}/screenshots/{arg}{ext}',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    // Every spec keeps a screenshot of its final page as an artifact (test-results/<spec>/).
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions() },
    },
  ],
  webServer: [
    {
      command: `node packages/firestore-emulator/bin/stowage-firestore-emulator.mjs --host 127.0.0.1 --port ${EMULATOR_PORT}`,
      url: `http://127.0.0.1:${EMULATOR_PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `pnpm --filter @stowage/demo exec vite build --logLevel warn && pnpm --filter @stowage/demo exec vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
      url: baseURL,
      env: { VITE_FIRESTORE_EMULATOR: `127.0.0.1:${EMULATOR_PORT}` },
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
