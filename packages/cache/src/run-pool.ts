/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight; results keep the input order.
 * `fn` must not throw (callers turn failures into result values), so one bad item cannot stop the rest.
 */
export async function runPool<I, R>(items: readonly I[], concurrency: number, fn: (item: I) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.ceil(concurrency), items.length) }, worker));
  return results;
}
