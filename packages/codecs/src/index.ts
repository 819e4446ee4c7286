// Everything except '@stowage/codecs/crypto-js-legacy', which is the only module importing
// crypto-js: importing this entry must never put crypto-js in a bundle.
export * from './deflate.js';
export * from './lz-string.js';
export * from './aes-gcm.js';
export * from './memory-codec-context.js';
