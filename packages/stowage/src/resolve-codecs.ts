import { StowageError, type Codec } from '@stowage/core';
import { aesGcmCodec } from '@stowage/codecs/aes-gcm';
import { deflateCodec } from '@stowage/codecs/deflate';
import type { StowageOptions } from './stowage-types.js';

function isCodec(v: unknown): v is Codec {
  const c = v as Partial<Codec> | null;
  return typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.encode === 'function' && typeof c.decode === 'function';
}

/** The codec options of `createStorage` for `compression` and `encryption` as `createStowage` takes them. */
export function resolveCodecs(o: Pick<StowageOptions, 'compression' | 'encryption'>): { compression?: Codec; encryption?: Codec; codecs?: Codec[] } {
  const out: { compression?: Codec; encryption?: Codec; codecs?: Codec[] } = {};
  const c = o.compression ?? true;
  if (c === true) out.compression = deflateCodec();
  // Values compressed before compression was switched off must stay readable.
  else if (c === false) out.codecs = [deflateCodec()];
  else if (isCodec(c)) out.compression = c;
  else throw new StowageError('invalid-argument', 'createStowage: compression must be true, false or a codec', { details: { option: 'compression' } });

  const e = o.encryption;
  if (e === undefined) return out;
  if (isCodec(e)) out.encryption = e;
  else if (typeof e === 'object' && e !== null && typeof (e as { passphrase?: unknown }).passphrase === 'string' && (e as { passphrase: string }).passphrase !== '') {
    out.encryption = aesGcmCodec({ passphrase: (e as { passphrase: string }).passphrase });
  } else {
    throw new StowageError('invalid-argument', 'createStowage: encryption must be { passphrase } (non-empty) or a codec', { details: { option: 'encryption' } });
  }
  return out;
}
