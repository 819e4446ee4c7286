// Opens the built consumer app in real Chromium and returns what its quick starts reported.
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../chromium.js';

/**
 * Loads `url`, waits for the page's `window.__consumer.done`, and resolves to its results
 * (`{ name, ok, detail }[]`). Uncaught page errors and console errors are added to a failing
 * result's detail, since they usually say why.
 */
export async function runPage(url, timeoutMs = 90_000) {
  const browser = await chromium.launch(chromiumLaunchOptions());
  const problems = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__consumer?.done === true, undefined, { timeout: timeoutMs });
    } catch {
      throw new Error(`the page never finished its quick starts\n${problems.join('\n')}`);
    }
    const results = await page.evaluate(() => window.__consumer.results);
    const extra = problems.length ? `\n${problems.join('\n')}` : '';
    return results.map((r) => (r.ok ? r : { ...r, detail: r.detail + extra }));
  } finally {
    await browser.close();
  }
}
