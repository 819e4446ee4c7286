/**
 * Axis ticks from 0 to a "nice" top at or above `max`: steps of 1, 2 or 5 × 10^k, about `count`
 * of them, so an axis reads 0 · 5 · 10 · 15 rather than 0 · 3.75 · 7.5. Counts stay integers: a
 * `max` of 0 or 1 gives [0, 1].
 */
export function niceTicks(max: number, count = 4): number[] {
  const top = Math.max(1, max);
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) {
    ticks.push(v);
    if (v >= top) break;
  }
  return ticks;
}
