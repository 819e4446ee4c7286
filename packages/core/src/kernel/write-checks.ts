import { StowageError, toStowageError } from '../errors.js';
import type { StorageOp } from '../schema.js';
import { serializeValue } from '../serialize.js';
import type { SetOptions } from '../storage-types.js';
import { checkOptions, validateKey } from '../validate.js';
import type { Layer, Put } from './layer.js';

/** What a write is checked against: the layers (their `check` stages and set options) and the key length. */
export interface WriteRules {
  readonly layers: readonly Layer[];
  readonly setOptions: readonly string[];
  readonly maxKeyLength: number;
}

/** Validates and serializes one write; layers' checks refuse what they must. */
export function checkPut(r: WriteRules, key: unknown, value: unknown, options: SetOptions | undefined): Put {
  validateKey(key, r.maxKeyLength);
  checkOptions(options, r.setOptions, 'set');
  const put = { key, value: serializeValue(value, key), options };
  for (const l of r.layers) l.check?.(put);
  return put;
}

/**
 * Validates every op of a batch before any is queued (one bad op refuses the batch): a write's
 * checked {@link Put}, a remove's key. The error names the op's index.
 */
export function checkBatch(r: WriteRules, ops: readonly StorageOp[]): (Put | string)[] {
  if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'batch expects an array of operations');
  return ops.map((op: StorageOp, index) => {
    try {
      if (op?.type === 'set') return checkPut(r, op.key, op.value, op.options);
      if (op?.type === 'remove') {
        validateKey(op.key, r.maxKeyLength);
        return op.key;
      }
      throw new StowageError('invalid-argument', `unknown operation type ${JSON.stringify((op as { type?: unknown })?.type)}`);
    } catch (e) {
      const err = toStowageError(e, 'batch');
      throw new StowageError(err.code, `batch operation ${index}: ${err.message}`, { cause: err, details: { ...err.details, index } });
    }
  });
}
