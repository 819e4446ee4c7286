export * from './remote-store.js';
export * from './remote-input.js';
export * from './memory-remote.js';
