/** Test helpers shared by every package: contract conformance suites and assertions. */
export * from './driver-test-helpers.js';
export * from './driver-conformance.js';
export * from './driver-input-validation.js';
export * from './remote-store-conformance.js';
export * from './fakes.js';
