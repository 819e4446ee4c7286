import { compareValues, valuesEqual } from './compare.js';
import { isKeyPath, parseFieldPath, type FieldPath } from './field-path.js';
import { invalidArgument } from './rpc-error.js';
import { isNaNValue, parseValue, typeOrder, type Value } from './values.js';

/** Reads a field of a candidate document; `__name__` yields the document's reference. */
export type FieldReader = (path: FieldPath) => Value | undefined;

/** A compiled `where` clause. */
export interface CompiledFilter {
  readonly matches: (read: FieldReader) => boolean;
  /** Fields constrained by inequality operators (they join the implicit order). */
  readonly inequalityFields: readonly FieldPath[];
}

const INEQUALITY = new Set(['LESS_THAN', 'LESS_THAN_OR_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'NOT_EQUAL', 'NOT_IN']);
const MAX_DISJUNCTIONS = 30;
const MAX_NOT_IN = 10;

const isNull = (v: Value): boolean => 'nullValue' in v;
/** `null` and `NaN` inside IN / ARRAY_CONTAINS_ANY / NOT_IN lists never match by equality. */
const matchable = (v: Value): boolean => !isNull(v) && !isNaNValue(v);

function listOperand(value: Value, op: string): Value[] {
  if (!('arrayValue' in value)) throw invalidArgument(`A ${op} filter requires an array value.`);
  const list = value.arrayValue.values;
  if (list.length === 0) throw invalidArgument(`A ${op} filter requires a non-empty array.`);
  const max = op === 'NOT_IN' ? MAX_NOT_IN : MAX_DISJUNCTIONS;
  if (list.length > max) throw invalidArgument(`A ${op} filter supports at most ${max} elements.`);
  return list;
}

function fieldPredicate(op: string, operand: Value): (v: Value) => boolean {
  switch (op) {
    case 'EQUAL':
      return (v) => valuesEqual(v, operand);
    case 'NOT_EQUAL':
      return (v) => !isNull(v) && !valuesEqual(v, operand);
    case 'LESS_THAN':
    case 'LESS_THAN_OR_EQUAL':
    case 'GREATER_THAN':
    case 'GREATER_THAN_OR_EQUAL': {
      // Ranges only match within the operand's type class; null and NaN bound nothing.
      if (!matchable(operand)) return () => false;
      const t = typeOrder(operand);
      return (v) => {
        if (typeOrder(v) !== t || isNaNValue(v)) return false;
        const c = compareValues(v, operand);
        if (op === 'LESS_THAN') return c < 0;
        if (op === 'LESS_THAN_OR_EQUAL') return c <= 0;
        if (op === 'GREATER_THAN') return c > 0;
        return c >= 0;
      };
    }
    case 'ARRAY_CONTAINS':
      return (v) => 'arrayValue' in v && v.arrayValue.values.some((e) => valuesEqual(e, operand));
    case 'ARRAY_CONTAINS_ANY': {
      const list = listOperand(operand, op).filter(matchable);
      return (v) => 'arrayValue' in v && v.arrayValue.values.some((e) => list.some((x) => valuesEqual(e, x)));
    }
    case 'IN': {
      const list = listOperand(operand, op).filter(matchable);
      return (v) => list.some((x) => valuesEqual(v, x));
    }
    case 'NOT_IN': {
      const list = listOperand(operand, op);
      if (list.some(isNull)) return () => false;
      return (v) => !isNull(v) && !list.some((x) => valuesEqual(v, x));
    }
    default:
      throw invalidArgument(`Unknown field filter operator "${op}".`);
  }
}

function unaryPredicate(op: string): (v: Value) => boolean {
  switch (op) {
    case 'IS_NULL':
      return isNull;
    case 'IS_NAN':
      return isNaNValue;
    case 'IS_NOT_NULL':
      return (v) => !isNull(v);
    case 'IS_NOT_NAN':
      return (v) => !isNull(v) && !isNaNValue(v);
    default:
      throw invalidArgument(`Unknown unary filter operator "${op}".`);
  }
}

function checkKeyOperand(path: FieldPath, op: string, operand: Value): void {
  if (!isKeyPath(path)) return;
  const values = op === 'IN' || op === 'NOT_IN' ? listOperand(operand, op) : [operand];
  for (const v of values) {
    if (!('referenceValue' in v)) throw invalidArgument(`__name__ filters require reference values.`);
  }
  if (op.startsWith('ARRAY_CONTAINS')) throw invalidArgument(`${op} is not allowed on __name__.`);
}

/** Compiles a `Filter` JSON object (field, unary or nested composite) into a predicate. */
export function compileFilter(raw: unknown): CompiledFilter {
  if (typeof raw !== 'object' || raw === null) throw invalidArgument('Invalid filter.');
  const f = raw as Record<string, Record<string, unknown> | undefined>;
  if (f.fieldFilter) {
    const { field, op, value } = f.fieldFilter as { field?: { fieldPath?: unknown }; op?: unknown; value?: unknown };
    const path = parseFieldPath(field?.fieldPath);
    const operand = parseValue(value, 'fieldFilter.value', 0, { allowNestedArrays: true });
    checkKeyOperand(path, String(op), operand);
    const test = fieldPredicate(String(op), operand);
    return {
      matches: (read) => {
        const v = read(path);
        return v !== undefined && test(v);
      },
      inequalityFields: INEQUALITY.has(String(op)) ? [path] : [],
    };
  }
  if (f.unaryFilter) {
    const { field, op } = f.unaryFilter as { field?: { fieldPath?: unknown }; op?: unknown };
    const path = parseFieldPath(field?.fieldPath);
    const test = unaryPredicate(String(op));
    return {
      matches: (read) => {
        const v = read(path);
        return v !== undefined && test(v);
      },
      inequalityFields: op === 'IS_NOT_NULL' || op === 'IS_NOT_NAN' ? [path] : [],
    };
  }
  if (f.compositeFilter) {
    const { op, filters } = f.compositeFilter as { op?: unknown; filters?: unknown };
    if (!Array.isArray(filters) || filters.length === 0) throw invalidArgument('A composite filter needs filters.');
    const parts = filters.map(compileFilter);
    const inequalityFields = parts.flatMap((p) => p.inequalityFields);
    if (op === 'AND') return { matches: (read) => parts.every((p) => p.matches(read)), inequalityFields };
    if (op === 'OR') return { matches: (read) => parts.some((p) => p.matches(read)), inequalityFields };
    throw invalidArgument(`Unknown composite filter operator "${String(op)}".`);
  }
  throw invalidArgument('A filter needs one of fieldFilter, unaryFilter, compositeFilter.');
}
