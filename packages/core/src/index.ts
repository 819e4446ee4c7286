export * from './errors.js';
export * from './record.js';
export * from './driver.js';
export * from './codec.js';
export * from './ports.js';
export * from './memory-driver.js';
