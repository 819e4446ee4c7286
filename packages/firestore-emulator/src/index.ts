/**
 * `@stowage/firestore-emulator` — a local Firestore REST emulator for `firebase/firestore/lite`,
 * with fault injection, request statistics, an owner security rule and crash-safe persistence.
 */
export { startEmulator } from './start-emulator.js';
export type { EmulatorHandle, EmulatorOptions } from './start-emulator.js';
export type {
  FaultConfig,
  FaultController,
  FailNextOptions,
  FailRateOptions,
  HangOptions,
  LatencyOptions,
  LostAckOptions,
  RpcName,
} from './faults.js';
export type { EmulatorStats } from './stats.js';
export type { RulesMode } from './rules.js';
export { parseCliArgs, type CliOptions } from './cli-args.js';
