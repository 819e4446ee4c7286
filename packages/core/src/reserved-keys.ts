/**
 * The reserved key space, declared in one place. Driver keys starting with U+0000 can never be a
 * data key (`validateKey` refuses U+0000, data keys are `${prefix}:${key}`), so what lives beside
 * the data — and must commit in the same transactions as the data — lives here:
 *
 * | prefix | what | written by |
 * | --- | --- | --- |
 * | `\0meta/{prefix}/{name}` | codec metadata (salts, keyrings) | the codecs layer |
 * | `\0backup/{prefix}/{id}` | automatic backups (before an import or a schema change) | `importData`, the migrations layer |
 * | `\0migrations/{prefix}/state`, `…/log/{id}` | schema version last opened with; migration history | the migrations layer, `migrate()` |
 * | `\0q/{name}/e/…`, `\0q/{name}/dead/…` | an operation queue's entries and dead letters | `@stowage/queue` |
 * | `\0sync/{prefix}/…` | a sync engine's revisions, edit markers, checkpoint, node id | `@stowage/sync` |
 * | `\0ttl/{prefix}/k/{key}`, `\0ttl/{prefix}/built` | expiry markers (`expiresAt` of each expiring record) and the flag saying every expiring record has one | the kernel's commits and `keys()` |
 * | `\0fmt/{prefix}/cursor`, `\0fmt/{prefix}/v2` | the record-format migration's cursor (last driver key rewritten) and the flag saying every record is a v2 row | the kernel's format pass (`kernel/format-pass.ts`) |
 */
export const RESERVED = '\u0000';

/** Key of a namespace's metadata value `name`. */
export function metaKey(prefix: string, name: string): string {
  return `${RESERVED}meta/${prefix}/${name}`;
}

/** Prefix of a namespace's automatic pre-import backups. */
export function backupsPrefix(prefix: string): string {
  return `${RESERVED}backup/${prefix}/`;
}

/** Prefix of operation queue `name` (its entries and dead letters). */
export function queuePrefix(name: string): string {
  return `${RESERVED}q/${name}/`;
}

/** Prefix of the sync state of a namespace. */
export function syncPrefix(prefix: string): string {
  return `${RESERVED}sync/${prefix}/`;
}

/** Prefix of a namespace's schema state and migration history. */
export function migrationsPrefix(prefix: string): string {
  return `${RESERVED}migrations/${prefix}/`;
}

/** Prefix of a namespace's expiry markers and of the flag saying they are complete. */
export function ttlPrefix(prefix: string): string {
  return `${RESERVED}ttl/${prefix}/`;
}

/** Prefix of a namespace's record-format state: the v1 → v2 pass's cursor and its done flag. */
export function formatPrefix(prefix: string): string {
  return `${RESERVED}fmt/${prefix}/`;
}
