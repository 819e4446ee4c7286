// Runs the README's quick starts one after the other and publishes what each did on
// `window.__consumer` (read by scripts/consumer/browser.mjs) and in the page.
import { quickStarts } from './quick-starts.js';

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

declare global {
  interface Window {
    __consumer?: { done: boolean; results: CheckResult[] };
  }
}

async function runAll(): Promise<CheckResult[]> {
  const emulatorPort = Number(new URLSearchParams(location.search).get('emulator'));
  const results: CheckResult[] = [];
  for (const [name, run] of Object.entries(quickStarts)) {
    try {
      results.push({ name, ok: true, detail: await run({ emulatorPort }) });
    } catch (err) {
      results.push({ name, ok: false, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  }
  return results;
}

const results = await runAll();
window.__consumer = { done: true, results };
document.getElementById('results')!.textContent = JSON.stringify(results, null, 2);
