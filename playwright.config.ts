import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/chromium.js';

/** Port of the demo's dev server during e2e runs (away from Vite's 5173 used by `npm start`). */
const PORT = Number(process.env.E2E_PORT ?? 4180);
const baseURL = `http://127.0.0.1:${PORT}`;

/**
 * End-to-end specs against the demo app in Debian's Chromium (Playwright cannot download its own
 * browser here). One worker: the machine has two cores and the dev server needs one.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions() },
    },
  ],
  webServer: {
    command: `pnpm --filter @stowage/demo exec vite --port ${PORT} --strictPort --host 127.0.0.1`,
    url: baseURL,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
