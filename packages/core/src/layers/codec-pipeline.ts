import type { Codec, CodecContext, CommitCheck } from '../codec.js';
import { isRetryable, StowageError } from '../errors.js';
import { bytesToValue, jsonToBytes } from '../serialize.js';
import type { SerializedValue } from '../serialize.js';

/** Which codecs a write asks for. */
export interface EncodeIntent {
  /** `true` forces compression (still kept only if smaller); `false` forbids it; `undefined` = by threshold. */
  compress?: boolean;
  encrypt?: boolean;
}

/** The payload of a record after the pipeline. */
export interface Encoded {
  value?: unknown;
  data?: Uint8Array;
  codecs: string[];
  /** Bytes of the stored payload (JSON text, or encoded bytes). */
  bytes: number;
  /** The outermost codec's condition for committing `data` (see {@link Codec.commitCheck}). */
  check?: CommitCheck;
}

/**
 * serialize → compress → encrypt, and back. Codecs are initialised lazily on first use, once; an
 * initialisation failure (e.g. wrong passphrase) fails only the records that need that codec.
 */
export class CodecPipeline {
  readonly compression: Codec | undefined;
  readonly encryption: Codec | undefined;
  readonly #byId = new Map<string, Codec>();
  readonly #threshold: number;
  readonly #ctx: CodecContext;
  readonly #ready = new Map<Codec, Promise<void>>();

  constructor(options: { compression?: Codec; encryption?: Codec; codecs?: readonly Codec[]; compressThreshold: number; ctx: CodecContext }) {
    this.compression = options.compression;
    this.encryption = options.encryption;
    this.#threshold = options.compressThreshold;
    this.#ctx = options.ctx;
    for (const c of [...(options.codecs ?? []), options.compression, options.encryption]) {
      if (c) this.#byId.set(c.id, c);
    }
    if (this.compression && this.compression.kind !== 'compression') {
      throw new StowageError('invalid-argument', `codec "${this.compression.id}" is not a compression codec`);
    }
    if (this.encryption && this.encryption.kind !== 'encryption') {
      throw new StowageError('invalid-argument', `codec "${this.encryption.id}" is not an encryption codec`);
    }
  }

  /** The codec registered under `id`, if any. */
  codec(id: string): Codec | undefined {
    return this.#byId.get(id);
  }

  /** Whether any of `ids` is an encryption codec (unknown ids count as opaque, i.e. encrypted). */
  isEncrypted(ids: readonly string[]): boolean {
    return ids.some((id) => this.#byId.get(id)?.kind !== 'compression');
  }

  async #init(codec: Codec): Promise<void> {
    if (!codec.init) return;
    let p = this.#ready.get(codec);
    if (!p) {
      p = codec.init(this.#ctx);
      this.#ready.set(codec, p);
      // A transient failure (the driver was busy or closed) may be retried by the next use; a
      // verdict such as a wrong passphrase stays cached.
      p.catch((err: unknown) => {
        if (isRetryable(err) && this.#ready.get(codec) === p) this.#ready.delete(codec);
      });
    }
    await p;
  }

  /** Runs the pipeline over a serialized value. */
  async encode(s: SerializedValue, intent: EncodeIntent, key: string): Promise<Encoded> {
    const { json, bytes: jsonBytes } = s;
    const wantCompress =
      this.compression !== undefined && intent.compress !== false && (intent.compress === true || jsonBytes >= this.#threshold);
    // `s.value` (the parsed snapshot) is read only for records stored unencoded.
    if (!wantCompress && !intent.encrypt) return { value: s.value, codecs: [], bytes: jsonBytes };
    let bytes = jsonToBytes(json);
    const codecs: string[] = [];
    if (wantCompress && this.compression) {
      const compressed = await this.#run(this.compression, 'encode', bytes, key);
      // Compression only pays when it shrinks the value; otherwise keep it as it was.
      if (compressed.byteLength < bytes.byteLength) {
        bytes = compressed;
        codecs.push(this.compression.id);
      }
    }
    if (intent.encrypt) {
      if (!this.encryption) {
        throw new StowageError('invalid-argument', 'encrypt: true needs an encryption codec in createStorage({ encryption })', {
          details: { key },
        });
      }
      bytes = await this.#run(this.encryption, 'encode', bytes, key);
      codecs.push(this.encryption.id);
    }
    if (codecs.length === 0) return { value: s.value, codecs: [], bytes: jsonBytes };
    const outer = this.#byId.get(codecs.at(-1) as string);
    const check = outer?.commitCheck?.(bytes);
    return check ? { data: bytes, codecs, bytes: bytes.byteLength, check } : { data: bytes, codecs, bytes: bytes.byteLength };
  }

  /** Decodes a payload written with `codecs` back to the value. */
  async decode(payload: { value?: unknown; data?: Uint8Array; codecs: readonly string[] }, key: string): Promise<unknown> {
    if (payload.codecs.length === 0) return payload.value;
    const bytes = await this.decodeBytes(payload.data, payload.codecs, key);
    return bytesToValue(bytes, key);
  }

  /** Undoes `codecs` (in reverse) on `data`, returning the serialized JSON bytes. */
  async decodeBytes(data: Uint8Array | undefined, codecs: readonly string[], key: string): Promise<Uint8Array> {
    if (!(data instanceof Uint8Array)) {
      throw new StowageError('decode-failed', `record "${key}" names codecs but carries no bytes`, { details: { key } });
    }
    let bytes = data;
    for (let i = codecs.length - 1; i >= 0; i--) {
      const id = codecs[i] as string;
      const codec = this.#byId.get(id);
      if (!codec) {
        throw new StowageError('decode-failed', `record "${key}" was written with codec "${id}", which this storage does not have`, {
          details: { key, codec: id, reason: 'unknown-codec' },
        });
      }
      bytes = await this.#run(codec, 'decode', bytes, key);
    }
    return bytes;
  }

  async #run(codec: Codec, op: 'encode' | 'decode', bytes: Uint8Array, key: string): Promise<Uint8Array> {
    try {
      await this.#init(codec);
      return await codec[op](bytes);
    } catch (err) {
      if (err instanceof StowageError) throw err;
      const code = codec.kind === 'encryption' && op === 'decode' ? 'decrypt-failed' : op === 'decode' ? 'decode-failed' : 'internal';
      throw new StowageError(code, `codec "${codec.id}" failed to ${op} "${key}"`, { cause: err, details: { key, codec: codec.id } });
    }
  }
}

