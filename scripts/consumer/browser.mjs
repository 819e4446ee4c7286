// Opens the built consumer app in real Chromium: the quick starts page, and each README block on a
// page of its own. One browser launch serves both (`launchBrowser`).
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../chromium.js';

/** The port the READMEs point the Firestore SDK at (`emulator: { host: '127.0.0.1', port: 8080 }`). */
export const README_EMULATOR_PORT = '8080';

/** Launches Debian Chromium (headless, off the network). */
export function launchBrowser() {
  return chromium.launch(chromiumLaunchOptions());
}

/**
 * Loads `url`, waits for the page's `window.__consumer.done`, and resolves to its results
 * (`{ name, ok, detail }[]`). Uncaught page errors and console errors are added to a failing
 * result's detail, since they usually say why.
 */
export async function runPage(browser, url, timeoutMs = 90_000) {
  const problems = [];
  const page = await browser.newPage();
  try {
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
    await page.close();
  }
}

/**
 * Runs README block `id` at `pageUrl` (the app's readme/ page) in a fresh browser context — its own
 * IndexedDB, nothing left running by another block — and resolves to a one-line summary; throws
 * with what went wrong. Requests to 127.0.0.1:8080 (where the READMEs point the SDK) go to the
 * emulator on `emulatorPort`; any request off the loopback is refused and fails the block, as do a
 * page error, a console error or a failed request, also one that fails after the block's last line
 * while its work (a sync push) is still in flight.
 */
export async function runReadmeBlock(browser, pageUrl, id, emulatorPort, timeoutMs = 30_000) {
  const context = await browser.newContext();
  const problems = [];
  let inFlight = 0;
  let toEmulator = 0;
  try {
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
        problems.push(`request off the loopback refused: ${url.href}`);
        return route.abort('blockedbyclient');
      }
      if (url.port !== README_EMULATOR_PORT) return route.continue();
      toEmulator += 1;
      url.port = String(emulatorPort);
      return route.continue({ url: url.href });
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('request', () => (inFlight += 1));
    page.on('requestfinished', () => (inFlight -= 1));
    page.on('requestfailed', (req) => {
      inFlight -= 1;
      problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`);
    });
    await page.goto(`${pageUrl}?block=${encodeURIComponent(id)}`);
    await page.waitForFunction(() => window.__readme?.done === true, undefined, { timeout: timeoutMs }).catch(() => {
      throw new Error(`the block did not finish within ${timeoutMs} ms\n${problems.join('\n')}`);
    });
    const { result } = await page.evaluate(() => window.__readme);
    // Work a block started but did not await (a sync's first push) must not fail unseen.
    for (let quiet = 0, waited = 0; quiet < 2 && waited < 5000; waited += 50) {
      quiet = inFlight === 0 ? quiet + 1 : 0;
      await page.waitForTimeout(50);
    }
    if (!result.ok || problems.length) throw new Error([result.ok ? '' : result.detail, ...problems].filter(Boolean).join('\n'));
    return `ran in ${result.detail}${toEmulator ? `, ${toEmulator} requests to the emulator` : ''}`;
  } finally {
    await context.close();
  }
}
