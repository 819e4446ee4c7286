import type { BenchCase, BenchGroup } from './types.js';

/**
 * Whether `filter` selects a group (by id) or a case (`groupId/caseName`, substring match; several
 * case names separated by `|`, e.g. `hydration-50k/stowage|dexie` for a target and its peer).
 * Several such filters separated by `,` select what any of them selects, so one run can hold
 * several targets with their floors (`kv-20k/stowage|raw,hydration-50k/stowage|raw`).
 */
export function selected(filter: string | undefined, group: BenchGroup, c?: BenchCase): boolean {
  if (!filter) return true;
  return filter.split(',').some((one) => one !== '' && selectedBy(one, group, c));
}

function selectedBy(filter: string, group: BenchGroup, c?: BenchCase): boolean {
  const [g, rest] = filter.split('/', 2) as [string, string | undefined];
  if (!group.id.includes(g)) return false;
  const names = (rest ?? '').toLowerCase().split('|').filter((name) => name !== '');
  return names.length === 0 || c === undefined || names.some((name) => c.name.toLowerCase().includes(name));
}
