// Waits for a local server to answer, so `npm start` prints its URL only once it works.

/**
 * Resolves once `url` answers an HTTP request (any status: the emulator's root may be a 404);
 * rejects after `timeoutMs`. Polls every 100 ms: a server has no other way to say it is listening.
 */
export async function waitForUrl(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
