import type { Codec, CommitCheck } from '../codec.js';
import { StowageError } from '../errors.js';
import type { KernelContext, Layer, Put } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { createMetaStore } from './meta-store.js';
import { metaKey } from '../reserved-keys.js';
import type { MetaStore } from './meta-store.js';
import { defaultLocks } from '../ports.js';
import type { LockPort } from '../ports.js';
import type { StoredRecord } from '../record.js';
import { utf8Length } from '../serialize.js';
import { CodecPipeline } from './codec-pipeline.js';
import type { EncodeIntent } from './codec-pipeline.js';

/** Options of {@link codecsLayer}. */
export interface CodecsOptions {
  /** Compression codec used for values of at least `compressThreshold` bytes (and when `compress: true`). */
  compression?: Codec;
  /** Encryption codec used with `encrypt: true` (or for every value with `encryptAll`). */
  encryption?: Codec;
  /** More codecs, only for reading records written with them (e.g. a legacy decoder). */
  codecs?: readonly Codec[];
  /** Serialized size from which values are compressed. @default 1024 */
  compressThreshold?: number;
  /** Encrypt every value unless `encrypt: false`. @default false */
  encryptAll?: boolean;
  /** Guards the creation of codec metadata (salts) across tabs. @default defaultLocks() */
  locks?: LockPort;
}

/** The codecs layer, with what it encodes with. */
export interface CodecsLayer extends Layer {
  readonly compression: boolean;
  readonly encryption: boolean;
  readonly encryptAll: boolean;
}

/**
 * serialize → compress → encrypt on the way in, and back on the way out; codec metadata (salts,
 * keyrings) in the reserved key space of the same store. Each ciphertext commits only while its
 * codec's condition holds (the key it is under is still current): when another tab rotated the
 * key meanwhile, the codec is told and the write is encoded again.
 *
 * @example
 * const kv = createKernel({ driver, layers: [codecsLayer({ encryption: aesGcmCodec({ passphrase }), encryptAll: true })] });
 */
export function codecsLayer(o: CodecsOptions = {}): CodecsLayer {
  const locks = o.locks ?? defaultLocks();
  const checks = new WeakMap<StoredRecord, CommitCheck>();
  const encryptAll = o.encryptAll ?? false;
  let ctx: KernelContext;
  let meta: MetaStore;
  let pipeline: CodecPipeline;
  const isCompression = (id: string): boolean => pipeline.codec(id)?.kind === 'compression';
  const intent = (put: Put): EncodeIntent => {
    const like = put.codecsOf;
    if (like) return { compress: like.codecs.some(isCompression), encrypt: pipeline.isEncrypted(like.codecs.filter((id) => !isCompression(id))) };
    const compress = put.options?.compress;
    return { ...(compress !== undefined ? { compress } : {}), encrypt: put.options?.encrypt ?? encryptAll };
  };
  return {
    name: 'codecs',
    setOptions: ['compress', 'encrypt'],
    compression: o.compression !== undefined,
    encryption: o.encryption !== undefined,
    encryptAll,
    setup(c) {
      ctx = c;
      meta = createMetaStore(() => ctx.driver(), locks, ctx.prefix, () => ctx.scope, (name) => ctx.observe({ kind: 'meta', name }));
      pipeline = new CodecPipeline({
        ...(o.compression ? { compression: o.compression } : {}),
        ...(o.encryption ? { encryption: o.encryption } : {}),
        ...(o.codecs ? { codecs: o.codecs } : {}),
        compressThreshold: o.compressThreshold ?? 1024,
        ctx: meta,
      });
    },
    check(put) {
      for (const flag of ['compress', 'encrypt'] as const) {
        if (put.options?.[flag] !== undefined && typeof put.options[flag] !== 'boolean') {
          throw new StowageError('invalid-argument', `${flag} must be a boolean`, { details: { key: put.key } });
        }
      }
      if (intent(put).encrypt && !pipeline.encryption) {
        throw new StowageError('invalid-argument', 'encrypt: true needs createStorage({ encryption })', { details: { key: put.key } });
      }
    },
    async prepare(put, r) {
      const enc = await pipeline.encode(put.value, intent(put), put.key);
      if (enc.codecs.length === 0) return;
      r.codecs = enc.codecs;
      r.data = enc.data as Uint8Array;
      r.size = utf8Length(put.key) + enc.bytes;
      if (enc.check) checks.set(r, enc.check);
    },
    async commit(c, next) {
      // The codecs' commit conditions of the records encoded here, once each, before the writes.
      const guards = new Map<string, CommitCheck>();
      const seen = new Set<CommitCheck>();
      for (const x of c.changes) {
        const check = x.type === 'put' ? checks.get(x.record) : undefined;
        if (!check || seen.has(check)) continue;
        seen.add(check);
        const key = metaKey(ctx.prefix, check.meta);
        guards.set(key, check);
        c.before.push({ type: 'check', key, test: (v) => check.test(v) });
      }
      if (guards.size === 0) return next();
      try {
        await next();
      } catch (e) {
        const guard = checkFailed(e) ? guards.get(String(e.details.key)) : undefined;
        if (!guard) throw e;
        meta.changed(guard.meta);
        throw new StowageError('conflict', `metadata "${guard.meta}" changed since encoding (a key rotation?)`, {
          cause: e,
          details: { reason: 'stale-encoding', meta: guard.meta },
        });
      }
    },
    needsDecode: (r) => r.codecs.length > 0,
    decode: (key, r, _raw, next) => (r.codecs.length > 0 ? pipeline.decode(r, key) : next()),
    describe(r, info) {
      info.compressed = r.codecs.some(isCompression);
      info.encrypted = pipeline.isEncrypted(r.codecs);
    },
    observe(obs) {
      if (obs.kind === 'meta' && obs.wire) meta.changed(obs.name); // e.g. a key rotation: the codec re-reads its keyring
    },
  };
}
