// Runs the one README block named by `?block=<id>` (a module of ./blocks/, written there by the
// consumer test) and publishes how it went on `window.__readme` (read by scripts/consumer/browser.mjs).
// Each block gets a page of its own in a fresh browser context: no storage or sync left by another.

interface BlockResult {
  ok: boolean;
  detail: string;
}

declare global {
  interface Window {
    __readme?: { done: true; result: BlockResult };
  }
}

const blocks = import.meta.glob(['./blocks/*.ts', './blocks/*.js']);

async function run(id: string | null): Promise<BlockResult> {
  const load = id === null ? undefined : blocks[`./blocks/${id}`];
  if (!load) return { ok: false, detail: `no README block ${String(id)} in this build` };
  const started = performance.now();
  try {
    await load();
    return { ok: true, detail: `${Math.round(performance.now() - started)} ms` };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

const result = await run(new URLSearchParams(location.search).get('block'));
window.__readme = { done: true, result };
document.getElementById('result')!.textContent = JSON.stringify(result, null, 2);
