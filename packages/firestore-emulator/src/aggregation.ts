import { getField, parseFieldPath, type FieldPath } from './field-path.js';
import type { QueryHit } from './query.js';
import { invalidArgument } from './rpc-error.js';
import { doubleOf, doubleValue, type Value } from './values.js';

type Aggregation =
  | { readonly alias: string; readonly kind: 'count'; readonly upTo?: number }
  | { readonly alias: string; readonly kind: 'sum' | 'avg'; readonly path: FieldPath };

const MAX_AGGREGATIONS = 5;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses `structuredAggregationQuery.aggregations`. */
export function parseAggregations(raw: unknown): Aggregation[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalidArgument('An aggregation query needs aggregations.');
  if (raw.length > MAX_AGGREGATIONS) throw invalidArgument(`At most ${MAX_AGGREGATIONS} aggregations are allowed.`);
  const seen = new Set<string>();
  return raw.map((a: Record<string, unknown>, i) => {
    const alias = typeof a?.alias === 'string' && a.alias !== '' ? a.alias : `field_${i + 1}`;
    if (seen.has(alias)) throw invalidArgument(`Duplicate aggregation alias "${alias}".`);
    seen.add(alias);
    if (a.count !== undefined) {
      const upToRaw = (a.count as { upTo?: unknown })?.upTo;
      const upTo = upToRaw === undefined ? undefined : Number(typeof upToRaw === 'object' ? (upToRaw as { value?: unknown })?.value : upToRaw);
      if (upTo !== undefined && !(Number.isInteger(upTo) && upTo > 0)) throw invalidArgument('count.upTo must be a positive integer.');
      return upTo === undefined ? { alias, kind: 'count' as const } : { alias, kind: 'count' as const, upTo };
    }
    for (const kind of ['sum', 'avg'] as const) {
      if (a[kind] !== undefined) {
        const path = parseFieldPath((a[kind] as { field?: { fieldPath?: unknown } })?.field?.fieldPath);
        return { alias, kind, path };
      }
    }
    throw invalidArgument(`Aggregation "${alias}" needs one of count, sum, avg.`);
  });
}

function sum(values: readonly Value[]): Value {
  let ints = 0n;
  let doubles = 0;
  let sawDouble = false;
  for (const v of values) {
    if ('integerValue' in v) ints += BigInt(v.integerValue);
    else if ('doubleValue' in v) {
      sawDouble = true;
      doubles += doubleOf(v.doubleValue);
    }
  }
  // Integer sums stay integers unless a double took part or int64 overflowed.
  if (!sawDouble && ints >= INT64_MIN && ints <= INT64_MAX) return { integerValue: ints.toString() };
  return doubleValue(Number(ints) + doubles);
}

function numericValues(hits: readonly QueryHit[], path: FieldPath): Value[] {
  const out: Value[] = [];
  for (const hit of hits) {
    const v = getField(hit.doc.fields, path);
    if (v && ('integerValue' in v || 'doubleValue' in v)) out.push(v);
  }
  return out;
}

/**
 * Computes every aggregation over the query's hits. Documents lacking any field that a sum/avg of
 * this request reads are excluded from all of its aggregations, count included (Firestore semantics).
 */
export function aggregate(aggregations: readonly Aggregation[], hits: readonly QueryHit[]): Record<string, Value> {
  const fieldPaths = aggregations.flatMap((a) => (a.kind === 'count' ? [] : [a.path]));
  const eligible = hits.filter((h) => fieldPaths.every((p) => getField(h.doc.fields, p) !== undefined));
  const out: Record<string, Value> = {};
  for (const a of aggregations) {
    if (a.kind === 'count') {
      const n = a.upTo === undefined ? eligible.length : Math.min(a.upTo, eligible.length);
      out[a.alias] = { integerValue: String(n) };
      continue;
    }
    const values = numericValues(eligible, a.path);
    if (a.kind === 'sum') {
      out[a.alias] = sum(values);
    } else if (values.length === 0) {
      out[a.alias] = { nullValue: null };
    } else {
      const total = values.reduce((acc, v) => acc + ('integerValue' in v ? Number(v.integerValue) : doubleOf((v as { doubleValue: number }).doubleValue)), 0);
      out[a.alias] = doubleValue(total / values.length);
    }
  }
  return out;
}
