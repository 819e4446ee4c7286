import { compareNumbers, valuesEqual } from './compare.js';
import { cloneValue, getField, parseFieldPath, setField, type FieldPath } from './field-path.js';
import { invalidArgument } from './rpc-error.js';
import { doubleOf, doubleValue, isNaNValue, parseValue, type Fields, type Value } from './values.js';

/** One parsed `FieldTransform` of a write. */
export type FieldTransform =
  | { readonly path: FieldPath; readonly op: 'requestTime' }
  | { readonly path: FieldPath; readonly op: 'increment' | 'maximum' | 'minimum'; readonly operand: Value }
  | { readonly path: FieldPath; readonly op: 'append' | 'remove'; readonly elements: readonly Value[] };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const isNumber = (v: Value | undefined): v is Value => v !== undefined && ('integerValue' in v || 'doubleValue' in v);

function numericOperand(raw: unknown, where: string): Value {
  const v = parseValue(raw, where);
  if (!isNumber(v)) throw invalidArgument(`${where} must be an integer or double value.`);
  return v;
}

function arrayOperand(raw: unknown, where: string): Value[] {
  const v = parseValue({ arrayValue: raw }, where);
  return (v as { arrayValue: { values: Value[] } }).arrayValue.values;
}

/** Parses one `FieldTransform` JSON object. */
export function parseFieldTransform(raw: unknown, where: string): FieldTransform {
  if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Invalid field transform at ${where}.`);
  const t = raw as Record<string, unknown>;
  const path = parseFieldPath(t.fieldPath);
  const kinds = Object.keys(t).filter((k) => k !== 'fieldPath');
  if (kinds.length !== 1) throw invalidArgument(`A field transform needs exactly one operation at ${where}.`);
  const kind = kinds[0] as string;
  switch (kind) {
    case 'setToServerValue':
      if (t.setToServerValue !== 'REQUEST_TIME') throw invalidArgument(`Unsupported server value at ${where}.`);
      return { path, op: 'requestTime' };
    case 'increment':
    case 'maximum':
    case 'minimum':
      return { path, op: kind, operand: numericOperand(t[kind], `${where}.${kind}`) };
    case 'appendMissingElements':
      return { path, op: 'append', elements: arrayOperand(t[kind], `${where}.${kind}`) };
    case 'removeAllFromArray':
      return { path, op: 'remove', elements: arrayOperand(t[kind], `${where}.${kind}`) };
    default:
      throw invalidArgument(`Unknown field transform "${kind}" at ${where}.`);
  }
}

function increment(current: Value, operand: Value): Value {
  if ('integerValue' in current && 'integerValue' in operand) {
    const sum = BigInt(current.integerValue) + BigInt(operand.integerValue);
    // Integer increments saturate at the int64 bounds instead of wrapping.
    const clamped = sum > INT64_MAX ? INT64_MAX : sum < INT64_MIN ? INT64_MIN : sum;
    return { integerValue: clamped.toString() };
  }
  const a = 'integerValue' in current ? Number(current.integerValue) : doubleOf((current as { doubleValue: number }).doubleValue);
  const b = 'integerValue' in operand ? Number(operand.integerValue) : doubleOf((operand as { doubleValue: number }).doubleValue);
  return doubleValue(a + b);
}

/** max/min: NaN wins; equal values (3 vs 3.0, 0 vs -0) keep what is stored. */
function extreme(current: Value, operand: Value, wantGreater: boolean): Value {
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return cloneValue(operand);
  const c = compareNumbers(operand, current);
  return (wantGreater ? c > 0 : c < 0) ? cloneValue(operand) : current;
}

/**
 * Applies one transform to `fields` (mutating it) and returns the transform result Firestore reports:
 * the new value for server time and numeric transforms, `null` for array transforms.
 */
export function applyFieldTransform(fields: Fields, t: FieldTransform, requestTime: Value): Value {
  const current = getField(fields, t.path);
  switch (t.op) {
    case 'requestTime':
      setField(fields, t.path, cloneValue(requestTime));
      return requestTime;
    case 'increment':
    case 'maximum':
    case 'minimum': {
      // A missing or non-numeric field simply takes the operand.
      const next = !isNumber(current)
        ? cloneValue(t.operand)
        : t.op === 'increment'
          ? increment(current, t.operand)
          : extreme(current, t.operand, t.op === 'maximum');
      setField(fields, t.path, next);
      return next;
    }
    case 'append':
    case 'remove': {
      const base = current && 'arrayValue' in current ? current.arrayValue.values.map(cloneValue) : [];
      let values: Value[];
      if (t.op === 'append') {
        values = base;
        for (const e of t.elements) if (!values.some((v) => valuesEqual(v, e))) values.push(cloneValue(e));
      } else {
        values = base.filter((v) => !t.elements.some((e) => valuesEqual(v, e)));
      }
      setField(fields, t.path, { arrayValue: { values } });
      return { nullValue: null };
    }
  }
}
