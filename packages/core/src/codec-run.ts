import type { Codec } from './codec.js';
import type { CodecPipeline, EncodeIntent, Encoded } from './codec-pipeline.js';
import { isRetryable, StowageError } from './errors.js';
import { createMetaStore } from './meta-store.js';
import { defaultLocks } from './ports.js';
import type { SerializedValue } from './serialize.js';

// The byte work of the codec pipeline: UTF-8 encoding, running codecs, their one-time init. Loaded
// on first use (a lazy chunk): a storage without codecs never needs it, and one with codecs starts
// loading it when it is created.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

async function init(p: CodecPipeline, codec: Codec): Promise<void> {
  if (!codec.init) return;
  let ready = p.ready.get(codec);
  if (!ready) {
    const { driver, locks, prefix, scope } = p.meta;
    p.ctx ??= createMetaStore(driver, locks ?? defaultLocks(), prefix, () => scope);
    const started = codec.init(p.ctx);
    ready = started;
    p.ready.set(codec, started);
    // A transient failure (the driver was busy or closed) may be retried by the next use; a
    // verdict such as a wrong passphrase stays cached.
    started.catch((err: unknown) => {
      if (isRetryable(err) && p.ready.get(codec) === started) p.ready.delete(codec);
    });
  }
  await ready;
}

async function run(p: CodecPipeline, codec: Codec, op: 'encode' | 'decode', bytes: Uint8Array, key: string): Promise<Uint8Array> {
  try {
    await init(p, codec);
    return await codec[op](bytes);
  } catch (err) {
    if (err instanceof StowageError) throw err;
    const code = codec.kind === 'encryption' && op === 'decode' ? 'decrypt-failed' : op === 'decode' ? 'decode-failed' : 'internal';
    throw new StowageError(code, `codec "${codec.id}" failed to ${op} "${key}"`, { cause: err, details: { key, codec: codec.id } });
  }
}

/** Compresses (when `compress`, and only if smaller) and encrypts (when the intent says so) a serialized value. */
export async function encodeBytes(p: CodecPipeline, s: SerializedValue, intent: EncodeIntent, compress: boolean, key: string): Promise<Encoded> {
  let bytes: Uint8Array = encoder.encode(s.json);
  const codecs: string[] = [];
  if (compress && p.compression) {
    const compressed = await run(p, p.compression, 'encode', bytes, key);
    // Compression only pays when it shrinks the value; otherwise keep it as it was.
    if (compressed.byteLength < bytes.byteLength) {
      bytes = compressed;
      codecs.push(p.compression.id);
    }
  }
  if (intent.encrypt) {
    if (!p.encryption) {
      throw new StowageError('invalid-argument', 'encrypt: true needs an encryption codec in createStorage({ encryption })', {
        details: { key },
      });
    }
    bytes = await run(p, p.encryption, 'encode', bytes, key);
    codecs.push(p.encryption.id);
  }
  if (codecs.length === 0) return { value: s.value, codecs: [], bytes: s.bytes };
  return { data: bytes, codecs, bytes: bytes.byteLength };
}

/** Undoes `codecs` (in reverse) on `data`, returning the serialized JSON bytes. */
export async function decodeBytes(p: CodecPipeline, data: Uint8Array | undefined, codecs: readonly string[], key: string): Promise<Uint8Array> {
  if (!(data instanceof Uint8Array)) {
    throw new StowageError('decode-failed', `record "${key}" names codecs but carries no bytes`, { details: { key } });
  }
  let bytes = data;
  for (let i = codecs.length - 1; i >= 0; i--) {
    const id = codecs[i] as string;
    const codec = p.codec(id);
    if (!codec) {
      throw new StowageError('decode-failed', `record "${key}" was written with codec "${id}", which this storage does not have`, {
        details: { key, codec: id, reason: 'unknown-codec' },
      });
    }
    bytes = await run(p, codec, 'decode', bytes, key);
  }
  return bytes;
}

/** Decodes bytes and parses the JSON inside; `decode-failed` on invalid UTF-8 or JSON. */
export async function decodeValue(p: CodecPipeline, data: Uint8Array | undefined, codecs: readonly string[], key: string): Promise<unknown> {
  const bytes = await decodeBytes(p, data, codecs, key);
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new StowageError('decode-failed', `stored bytes of "${key}" are not valid UTF-8 JSON`, { cause: err, details: { key } });
  }
}
