/**
 * What a cache hands to a caller: a structured clone of objects when `clone` is on, so a caller
 * mutating its result cannot change the cached copy (storages hand out fresh objects too).
 */
export function copyOut<T>(value: T, clone: boolean): T {
  return clone && value !== null && typeof value === 'object' ? structuredClone(value) : value;
}
