import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createLruCache } from '../index.js';

// String keys and every other key are indexed apart (a null-prototype object and a Map, see
// lru-cache.ts): these cases pin down that the split is invisible.
describe('createLruCache: keys of every kind', () => {
  test("names of Object.prototype's members are ordinary keys", () => {
    const cache = createLruCache<string, number>({ maxEntries: 10 });
    const names = ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', '0', '-1', ''];
    for (const k of names) expect(cache.get(k), k).toBeUndefined();
    names.forEach((k, i) => cache.set(k, i));
    names.forEach((k, i) => expect(cache.get(k), k).toBe(i));
    expect(cache.size).toBe(names.length);
    expect(cache.delete('__proto__')).toBe(true);
    expect(cache.has('__proto__')).toBe(false);
    expect(cache.has('toString')).toBe(true);
    expect(cache.size).toBe(names.length - 1);
  });

  test("a number and its string are different keys, and objects are keyed by identity", () => {
    const cache = createLruCache<unknown, string>({ maxEntries: 10 });
    const a = { id: 1 };
    cache.set(1, 'number').set('1', 'string').set(a, 'object').set({ id: 1 }, 'other object');
    expect([cache.get(1), cache.get('1'), cache.get(a)]).toEqual(['number', 'string', 'object']);
    expect(cache.size).toBe(4);
    expect(cache.delete(1)).toBe(true);
    expect(cache.get('1')).toBe('string');
    const keys = cache.keys(); // most recent first: '1' (just read), a, the other object
    expect(keys).toEqual(['1', a, { id: 1 }]);
    expect(keys[1]).toBe(a);
    expect(keys[2]).not.toBe(a);
  });

  test('mixed keys under eviction agree with a Map-ordered model', () => {
    const key = fc.oneof(
      fc.constantFrom('toString', '__proto__', 'constructor', '1', '2', 'a', 'b', 'c', ''),
      fc.constantFrom(1, 2, 3, NaN),
      fc.constantFrom(true, null),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('delete' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 6 }), (ops, max) => {
        const cache = createLruCache<unknown, number>({ maxEntries: max });
        // Reference: a Map whose insertion order is recency (re-inserted on use), LRU first.
        const model = new Map<unknown, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            model.delete(o.key);
            model.set(o.key, o.value);
            if (model.size > max) model.delete(model.keys().next().value);
            cache.set(o.key, o.value);
          } else if (o.kind === 'get') {
            const v = model.get(o.key);
            if (v !== undefined) {
              model.delete(o.key);
              model.set(o.key, v);
            }
            expect(cache.get(o.key)).toBe(v);
          } else {
            expect(cache.delete(o.key)).toBe(model.delete(o.key));
          }
          expect(cache.size).toBe(model.size);
        }
        expect(cache.keys()).toEqual([...model.keys()].reverse());
      }),
    );
  });
});
