/** `@stowage/firestore`: a Stowage RemoteStore over `firebase/firestore/lite` (peer dependency). */
export { createFirestoreRemote } from './create-firestore-remote.js';
export type { FirestoreRemote, FirestoreRemoteOptions, FirestoreEmulatorTarget } from './create-firestore-remote.js';
export { encodeKey, decodeKey, docIdForKey, MAX_DOC_ID_BYTES } from './key-encoding.js';
export { toRemoteError } from './firestore-errors.js';
export { MAX_PULL_LIMIT } from './pull.js';
export { createFirestoreCloudTier } from './firestore-cloud-tier.js';
export type { FirestoreCloudTier, FirestoreCloudTierOptions } from './firestore-cloud-tier.js';
