/** Reproducible fault schedules ("fail 30 % of requests") come from core's seeded random source. */
export { seededRandom } from '@stowage/core';
