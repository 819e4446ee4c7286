// The codecs an app configures by default. lz-string ('@stowage/codecs/lz-string') and the crypto-js
// legacy decoder ('@stowage/codecs/crypto-js-legacy') are subpath imports only: importing this entry
// never puts lz-string or crypto-js in a bundle (size budgets, scripts/size-check.mjs).
export * from './deflate.js';
export * from './aes-gcm.js';
export * from './memory-codec-context.js';
