export * from './remote-store.js';
