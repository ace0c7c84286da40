/**
 * The Analytics API's numbers, computed from the same synthetic sessions the raw-statistics
 * endpoints list, so the two generations tell one story. Definitions (each over the sessions and
 * events visible at `now`, and within [from, to)):
 *
 *   impression       sessions loaded in the range
 *   play             `play` events emitted in the range (a reload's second play counts)
 *   start            sessions whose first `play` was emitted in the range
 *   end              `end` events emitted in the range
 *   view             sessions loaded in the range whose watch time (watchStats) ≥ viewDuration
 *   play-rate        sessions loaded in the range with at least one play ÷ impressions (0 if none)
 *   watch-time       sum of watchStats().watchSeconds of sessions loaded in the range; the
 *                    average divides by those of them that played
 *   impression-time  ms from loading to the first `ready`, of sessions loaded in the range that
 *                    reached it; sum or average
 *   ccv              concurrent sessions, a session counting from its load to its end (or now);
 *                    peak = the most at once, average = time-weighted mean over the range (up to
 *                    now); live = the peak over the last 20 seconds
 *   play total       every `play` event ever, whatever the range (the spec ignores from/to)
 *
 * A metric is attributed to the time of what it counts (an event's emittedAt, or a session's
 * load). `unique` viewers are every session: the synthetic audience never comes back.
 */
import type { Breakdown } from './vocabulary.js';
import type { World } from './world.js';
import { isOpen, visibleEvents } from './session-objects.js';
import { MAX_SESSION_MS, type SessionRecord } from './sessions.js';
import { watchEvents, watchStats } from './watch-stats.js';

export interface Facts {
  index: number;
  loadedAtMs: number;
  /** End of the session for concurrency: its end, or now while open. */
  untilMs: number;
  /** The session had ended when these facts were taken: they never change again. */
  final: boolean;
  mediaId: string;
  mediaType: 'video' | 'live-stream';
  tags: readonly string[];
  continent: string;
  country: string;
  deviceType: string;
  operatingSystem: string;
  browser: string;
  referrer: string;
  impressionMs: number | null;
  plays: number[];
  ends: number[];
  startMs: number | null;
  watchSeconds: number;
}

export const DIMENSION: Record<Breakdown, (f: Facts) => string> = {
  'media-id': (f) => f.mediaId,
  'media-type': (f) => f.mediaType,
  continent: (f) => f.continent,
  country: (f) => f.country,
  'device-type': (f) => f.deviceType,
  'operating-system': (f) => f.operatingSystem,
  browser: (f) => f.browser,
  referrer: (f) => f.referrer,
};

/** `filterBy[...]` keys and the fact each one tests. */
export const FILTER_FIELDS = {
  mediaId: DIMENSION['media-id'],
  mediaType: DIMENSION['media-type'],
  continent: DIMENSION.continent,
  country: DIMENSION.country,
  deviceType: DIMENSION['device-type'],
  operatingSystem: DIMENSION['operating-system'],
  browser: DIMENSION.browser,
  referrer: DIMENSION.referrer,
} as const;

export type FilterField = keyof typeof FILTER_FIELDS | 'tag';

export interface Filters {
  values: Map<Exclude<FilterField, 'tag'>, Set<string>>;
  tag: string | undefined;
}

export function matches(f: Facts, filters: Filters): boolean {
  for (const [field, allowed] of filters.values)
    if (!allowed.has(FILTER_FIELDS[field](f))) return false;
  return filters.tag === undefined || f.tags.includes(filters.tag);
}

/** Facts of sessions, cached once a session has ended (they cannot change after that). */
export class FactSource {
  private readonly cache = new Map<number, Facts>();
  private lastPruneMs = 0;

  constructor(private readonly world: World) {}

  facts(record: SessionRecord, nowMs: number): Facts {
    const cached = this.cache.get(record.index);
    // A cached session stays valid unless the clock was moved back before its end.
    if (cached && record.endedAtMs <= nowMs) return cached;
    const facts = this.build(record, nowMs);
    if (facts.final) this.cache.set(record.index, facts);
    return facts;
  }

  /** Facts of every session that may count in [fromMs, toMs) at `nowMs`, filtered. */
  inRange(fromMs: number, toMs: number, nowMs: number, filters: Filters): Facts[] {
    const { timeline, sessions } = this.world;
    this.prune(nowMs);
    const first = timeline.firstAtOrAfter(fromMs - MAX_SESSION_MS);
    const last = Math.min(sessions.count(nowMs), timeline.firstAtOrAfter(toMs));
    const out: Facts[] = [];
    for (let i = first; i < last; i++) {
      const f = this.facts(sessions.get(i), nowMs);
      if (matches(f, filters)) out.push(f);
    }
    return out;
  }

  /** Forgets sessions older than the Analytics API's reach, now and then. */
  private prune(nowMs: number): void {
    if (nowMs - this.lastPruneMs < 86_400_000) return;
    this.lastPruneMs = nowMs;
    const horizon = nowMs - 32 * 86_400_000 - MAX_SESSION_MS;
    for (const [i, f] of this.cache) if (f.loadedAtMs < horizon) this.cache.delete(i);
  }

  private build(record: SessionRecord, nowMs: number): Facts {
    const { catalog } = this.world;
    const video = record.kind === 'video' ? catalog.videos[record.assetIndex]! : undefined;
    const live =
      record.kind === 'live_stream' ? catalog.liveStreams[record.assetIndex]! : undefined;
    const plays: number[] = [];
    const ends: number[] = [];
    let ready: number | null = null;
    for (const e of visibleEvents(record, nowMs)) {
      if (e.type === 'play') plays.push(e.t);
      else if (e.type === 'end') ends.push(e.t);
      else if (e.type === 'ready' && ready === null) ready = e.t;
    }
    const open = isOpen(record, nowMs);
    return {
      index: record.index,
      loadedAtMs: record.loadedAtMs,
      untilMs: open ? nowMs : record.endedAtMs,
      final: !open,
      mediaId: video ? video.id : live!.id,
      mediaType: video ? 'video' : 'live-stream',
      tags: video ? video.text.tags : [],
      continent: record.country.continent,
      country: record.country.code,
      deviceType: record.audience.deviceType,
      operatingSystem: record.audience.operatingSystem,
      browser: record.audience.browser,
      referrer: record.audience.referrerDimension,
      impressionMs: ready === null ? null : record.impressionMs,
      plays,
      ends,
      startMs: plays[0] ?? null,
      watchSeconds: watchStats(watchEvents(record, nowMs)).watchSeconds,
    };
  }
}

/** Running totals from which every counted metric is read. */
export class Tally {
  impressions = 0;
  playedSessions = 0;
  plays = 0;
  starts = 0;
  ends = 0;
  views = 0;
  watchSum = 0;
  watchCount = 0;
  impressionSum = 0;
  impressionCount = 0;
}

/**
 * Adds each fact's contributions within [fromMs, toMs) to the tally its key names: the key gets
 * the fact and the time of what is counted (a bucket start for time series, a dimension value for
 * breakdowns, one key for an aggregate).
 */
export function tallyBy<K>(
  facts: readonly Facts[],
  fromMs: number,
  toMs: number,
  viewSeconds: number,
  key: (f: Facts, t: number) => K,
): Map<K, Tally> {
  const tallies = new Map<K, Tally>();
  const at = (f: Facts, t: number) => {
    const k = key(f, t);
    let tally = tallies.get(k);
    if (!tally) tallies.set(k, (tally = new Tally()));
    return tally;
  };
  const inside = (t: number) => t >= fromMs && t < toMs;
  for (const f of facts) {
    if (inside(f.loadedAtMs)) {
      const tally = at(f, f.loadedAtMs);
      tally.impressions++;
      tally.watchSum += f.watchSeconds;
      if (f.plays.length > 0) {
        tally.playedSessions++;
        tally.watchCount++;
      }
      if (f.watchSeconds >= viewSeconds) tally.views++;
      if (f.impressionMs !== null) {
        tally.impressionSum += f.impressionMs;
        tally.impressionCount++;
      }
    }
    for (const t of f.plays) if (inside(t)) at(f, t).plays++;
    if (f.startMs !== null && inside(f.startMs)) at(f, f.startMs).starts++;
    for (const t of f.ends) if (inside(t)) at(f, t).ends++;
  }
  return tallies;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** The value of a counted metric, by its `/data/buckets` or `/data/timeseries` name. */
export function countedValue(metric: string, t: Tally): number {
  switch (metric) {
    case 'play':
      return t.plays;
    case 'play-rate':
      return ratio(t.playedSessions, t.impressions);
    case 'start':
      return t.starts;
    case 'end':
      return t.ends;
    case 'impression':
      return t.impressions;
    case 'view':
      return t.views;
    default:
      throw new RangeError(`not a counted metric: ${metric}`);
  }
}

/** The value of `/data/metrics/{metric}/{aggregation}` for the counted metrics. */
export function aggregatedValue(metric: string, aggregation: string, t: Tally): number {
  if (metric === 'play' && aggregation === 'rate') return countedValue('play-rate', t);
  if (metric === 'watch-time')
    return aggregation === 'sum' ? t.watchSum : ratio(t.watchSum, t.watchCount);
  if (metric === 'impression-time') {
    return aggregation === 'sum' ? t.impressionSum : ratio(t.impressionSum, t.impressionCount);
  }
  return countedValue(metric, t);
}

export interface Concurrency {
  peak: number;
  average: number;
}

/**
 * Concurrent sessions in each of `windows` (sorted, not overlapping): the most at once, and the
 * time-weighted mean. A session counts on [load, until).
 */
export function concurrency(
  facts: readonly Facts[],
  windows: ReadonlyArray<readonly [number, number]>,
): Concurrency[] {
  const points: Array<[number, number]> = [];
  for (const f of facts)
    if (f.untilMs > f.loadedAtMs) points.push([f.loadedAtMs, 1], [f.untilMs, -1]);
  // Ends before starts at the same instant: [load, until) intervals that touch do not overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let p = 0;
  let count = 0;
  const out: Concurrency[] = [];
  for (const [a, b] of windows) {
    while (p < points.length && points[p]![0] <= a) count += points[p++]![1];
    let peak = count;
    let area = 0;
    let last = a;
    while (p < points.length && points[p]![0] < b) {
      const t = points[p]![0];
      area += count * (t - last);
      last = t;
      while (p < points.length && points[p]![0] === t) count += points[p++]![1];
      peak = Math.max(peak, count);
    }
    area += count * (b - last);
    out.push({ peak, average: b > a ? area / (b - a) : 0 });
  }
  return out;
}
