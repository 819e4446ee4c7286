import { StowageError, validateKey } from '@stowage/core';

/** The platform's name for a JavaScript value's type, as used in its `parameter error` messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'Null';
  if (Array.isArray(v)) return 'Array';
  const t = typeof v;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function paramError(param: string, expected: string, got: unknown, extra: Record<string, unknown> = {}): StowageError {
  return new StowageError('invalid-argument', `parameter error: parameter.${param} should be ${expected} instead of ${typeName(got)};`, {
    details: { param, reason: 'type', ...extra },
  });
}

/**
 * Validates a key as the platform words it (`parameter.key should be String instead of Number;`),
 * then with core's rules (non-empty, length, no U+0000) so the store would accept it too.
 */
export function checkKey(key: unknown, maxKeyLength: number, param = 'key'): asserts key is string {
  if (typeof key !== 'string') throw paramError(param, 'String', key);
  try {
    validateKey(key, maxKeyLength);
  } catch (e) {
    const err = e as StowageError;
    throw new StowageError(err.code, `parameter error: parameter.${param} is invalid (${err.message});`, { cause: err, details: { ...err.details, param } });
  }
}

/** The options object of an async API; `optional` for APIs whose every field is optional. */
export function checkParams(api: string, params: unknown, optional: boolean): Record<string, unknown> {
  if (params === undefined && optional) return {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new StowageError('invalid-argument', `parameter error: ${api} expects an options object, got ${typeName(params)};`, {
      details: { param: 'object', reason: 'type' },
    });
  }
  return params as Record<string, unknown>;
}

/** `encrypt` must be a boolean when given. */
export function checkEncrypt(v: unknown, param = 'encrypt'): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw paramError(param, 'Boolean', v);
  return v;
}

/** One item of `kvList`: `{ key, value, encrypt? }`. */
export interface CheckedKv {
  key: string;
  value: unknown;
  encrypt: boolean | undefined;
}

/** Validates `kvList` (an array of `{ key, value, encrypt? }`), naming the offending index. */
export function checkKvList(list: unknown, maxKeyLength: number): CheckedKv[] {
  if (!Array.isArray(list)) throw paramError('kvList', 'Array', list);
  return list.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw paramError(`kvList[${i}]`, 'Object', item, { index: i });
    const kv = item as Record<string, unknown>;
    checkKey(kv.key, maxKeyLength, `kvList[${i}].key`);
    return { key: kv.key, value: kv.value, encrypt: checkEncrypt(kv.encrypt, `kvList[${i}].encrypt`) };
  });
}

/** Validates `keyList` (an array of keys). */
export function checkKeyList(list: unknown, maxKeyLength: number): string[] {
  if (!Array.isArray(list)) throw paramError('keyList', 'Array', list);
  list.forEach((k: unknown, i) => checkKey(k, maxKeyLength, `keyList[${i}]`));
  return list as string[];
}
