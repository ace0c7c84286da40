/**
 * Account sizes, from a handful of sessions for unit tests to a million events for the memory
 * bar. `bench` is `npm run bench`'s account (the tutorial's 608 videos).
 */
export type PresetName = 'tiny' | 'small' | 'demo' | 'bench' | 'million';

export interface Preset {
  videos: number;
  liveStreams: number;
  players: number;
  /** Sessions loaded during the history window. */
  sessions: number;
  historyDays: number;
}

export const PRESETS: Readonly<Record<PresetName, Readonly<Preset>>> = {
  tiny: { videos: 5, liveStreams: 2, players: 2, sessions: 60, historyDays: 30 },
  small: { videos: 40, liveStreams: 5, players: 3, sessions: 1500, historyDays: 60 },
  demo: { videos: 120, liveStreams: 8, players: 4, sessions: 6000, historyDays: 120 },
  bench: { videos: 608, liveStreams: 20, players: 5, sessions: 20_000, historyDays: 365 },
  // About 1,000,000 player events in all.
  million: { videos: 608, liveStreams: 20, players: 5, sessions: 100_000, historyDays: 365 },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}
