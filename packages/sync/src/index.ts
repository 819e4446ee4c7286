export * from './remote-store.js';
export * from './remote-input.js';
export * from './hlc.js';
export * from './network-monitor.js';
export * from './sync-types.js';
export * from './conflict.js';
export { createSync } from './sync-engine.js';
export * from './offline-queue.js';
export * from './data-manager.js';
