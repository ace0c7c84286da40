/**
 * The emulator's options, and their resolution into a complete, checked configuration.
 */
import { UsageError } from '../errors.js';
import { base62 } from './ids.js';
import { isPresetName, PRESETS, type PresetName } from './presets.js';
import { hash32, Rng, STREAM } from './random.js';

export interface FaultOptions {
  /** Share of requests answered 500, 502 or 503. */
  serverErrorRate?: number;
  /** Share of requests whose connection is destroyed without an answer. */
  dropRate?: number;
  /** Share of requests answered only after `slowMs`. */
  slowRate?: number;
  slowMs?: number;
  /** Share of requests answered 429 (retry after 1 s) even below the limit. */
  burst429Rate?: number;
  seed?: number;
}

export interface EmulatorOptions {
  /** Same seed and options give byte-identical data. Default 1. */
  seed?: number;
  preset?: PresetName;
  videos?: number;
  liveStreams?: number;
  players?: number;
  /** Sessions loaded during the history window that ends at `now`. */
  sessions?: number;
  historyDays?: number;
  /** The clock's anchor, ms since the epoch; default: now. */
  now?: number;
  /** `frozen` (default) stands still until told; `live` lets real time pass. */
  clock?: 'frozen' | 'live';
  /** Default: derived from the seed. */
  apiKey?: string;
  tokenTtlSeconds?: number;
  /**
   * A fixed window of `perMinute` requests per `windowMs` (default 60 000). Default
   * DEFAULT_RATE_LIMIT a minute: the API always sends `X-RateLimit-*`, so the emulator always
   * has a limit, one high enough that no test or benchmark meets it unless it asks for one.
   */
  rateLimit?: { perMinute: number; windowMs?: number };
  /** Added before every response. */
  latencyMs?: number;
  faults?: FaultOptions;
  /** Catalog and auth always answer; a generation turned off answers 404 on its routes. */
  generations?: { raw?: boolean; analytics?: boolean };
  /** Raw-statistics periods longer than this are refused (default 366 days). */
  maxPeriodDays?: number;
  /** Plants an XSS title, city and referrer. */
  hostile?: boolean;
  /**
   * Varies answers within what the specs allow (absent optional fields, nulls, unknown fields,
   * both error spellings, other timestamp spellings, numeric strings, unknown event types, empty
   * referrers, assets that vanish mid-run, sessions whose events are gone). Every decision is a
   * function of the seed and the object or request; the ground truth says what each one did.
   * `true` varies the default share of objects; off by default.
   */
  variance?: boolean | VarianceOptions;
  /** One session with this many player events, generated page by page (issue 11's memory bar). */
  longSession?: { events: number };
}

export interface VarianceOptions {
  /** Share of objects (videos, sessions, answers…) that are varied, 0–1. Default 0.3. */
  rate?: number;
  /** Share of sessions whose events route answers 404. Default 0.02. */
  goneEventsRate?: number;
  /** Assets that vanish right after their first session page has been answered. Default true. */
  vanishingAssets?: boolean;
}

export interface EmulatorConfig {
  seed: number;
  videos: number;
  liveStreams: number;
  players: number;
  sessions: number;
  historyDays: number;
  now: number;
  clock: 'frozen' | 'live';
  apiKey: string;
  tokenTtlSeconds: number;
  rateLimit: { perMinute: number; windowMs: number };
  latencyMs: number;
  faults: Required<FaultOptions>;
  generations: { raw: boolean; analytics: boolean };
  maxPeriodDays: number;
  hostile: boolean;
  variance: Required<VarianceOptions> & { enabled: boolean };
  longSession: { events: number } | undefined;
}

export const DEFAULT_PRESET: PresetName = 'small';
/** Requests a minute when no limit is given: far above what the `million` preset's sync needs. */
export const DEFAULT_RATE_LIMIT = 1_000_000;

function count(name: string, value: number | undefined, fallback: number, min = 0): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`emulator option ${name} must be an integer ≥ ${min}, got ${n}`);
  return n;
}

function rate(name: string, value: number | undefined): number {
  const r = value ?? 0;
  if (!(r >= 0 && r <= 1))
    throw new UsageError(`emulator fault ${name} must be between 0 and 1, got ${r}`);
  return r;
}

function resolveVariance(option: EmulatorOptions['variance']): EmulatorConfig['variance'] {
  const given = typeof option === 'object' ? option : {};
  const share = (name: string, value: number | undefined, fallback: number) => {
    const r = value ?? fallback;
    if (!(r >= 0 && r <= 1))
      throw new UsageError(`emulator variance ${name} must be between 0 and 1, got ${r}`);
    return r;
  };
  return {
    enabled: option === true || typeof option === 'object',
    rate: share('rate', given.rate, 0.3),
    goneEventsRate: share('goneEventsRate', given.goneEventsRate, 0.02),
    vanishingAssets: given.vanishingAssets ?? true,
  };
}

export function resolveOptions(options: EmulatorOptions = {}): EmulatorConfig {
  const presetName = options.preset ?? DEFAULT_PRESET;
  if (!isPresetName(presetName))
    throw new UsageError(`unknown emulator preset ${JSON.stringify(presetName)}`);
  const preset = PRESETS[presetName];
  const seed = count('seed', options.seed, 1);
  const videos = count('videos', options.videos, preset.videos);
  const sessions = count('sessions', options.sessions, preset.sessions);
  if (sessions > 0 && videos === 0) {
    throw new UsageError('an emulated account with sessions needs at least one video');
  }
  const apiKey = options.apiKey ?? base62(new Rng(hash32(seed, STREAM.apiKey)), 43);
  if (!apiKey) throw new UsageError('the emulator API key must not be empty');
  const now = options.now ?? Date.now();
  if (!Number.isFinite(now)) throw new UsageError('emulator option now must be a time in ms');
  const limit = options.rateLimit;
  const faults = options.faults ?? {};
  return {
    seed,
    videos,
    liveStreams: count('liveStreams', options.liveStreams, preset.liveStreams),
    players: count('players', options.players, preset.players),
    sessions,
    historyDays: count('historyDays', options.historyDays, preset.historyDays, 1),
    now: Math.floor(now),
    clock: options.clock ?? 'frozen',
    apiKey,
    tokenTtlSeconds: count('tokenTtlSeconds', options.tokenTtlSeconds, 3600, 1),
    rateLimit: {
      perMinute: count('rateLimit.perMinute', limit?.perMinute, DEFAULT_RATE_LIMIT, 1),
      windowMs: count('rateLimit.windowMs', limit?.windowMs, 60_000, 1),
    },
    latencyMs: count('latencyMs', options.latencyMs, 0),
    faults: {
      serverErrorRate: rate('serverErrorRate', faults.serverErrorRate),
      dropRate: rate('dropRate', faults.dropRate),
      slowRate: rate('slowRate', faults.slowRate),
      slowMs: count('faults.slowMs', faults.slowMs, 35_000),
      burst429Rate: rate('burst429Rate', faults.burst429Rate),
      seed: count('faults.seed', faults.seed, seed),
    },
    generations: {
      raw: options.generations?.raw ?? true,
      analytics: options.generations?.analytics ?? true,
    },
    maxPeriodDays: count('maxPeriodDays', options.maxPeriodDays, 366, 1),
    hostile: options.hostile ?? false,
    variance: resolveVariance(options.variance),
    longSession: options.longSession && {
      events: count('longSession.events', options.longSession.events, 0, 2),
    },
  };
}
