/**
 * The api.video emulator: an api.video-compatible HTTP server with deterministic synthetic data
 * and its ground truth. The demo and every test of the product run against it.
 *
 *   const { url, apiKey, emulator, close } = await startEmulator({ preset: 'small', seed: 7 });
 */
export { createEmulator, type Emulator } from './emulator.js';
export { startEmulator, type RunningEmulator, type ServeOptions } from './server.js';
export {
  DEFAULT_PRESET,
  DEFAULT_RATE_LIMIT,
  type EmulatorOptions,
  type FaultOptions,
  type VarianceOptions,
} from './options.js';
export { PRESETS, PRESET_NAMES, isPresetName, type Preset, type PresetName } from './presets.js';
export type { GroundTruth, TruthSession, VarianceReport } from './truth.js';
export type { Vanishing } from './vanishing.js';
export type { EmulatorStats } from './stats.js';
export type { Clock } from './clock.js';
export type { WatchStats } from './watch-stats.js';
