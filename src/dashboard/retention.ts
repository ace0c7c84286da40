/**
 * Audience retention of one asset, in SQL, on serve's snapshot or the report's connection.
 *
 * A video: `viewership.watch_spans` holds, per session, the union of its play stretches by the
 * watch_seconds rule (PRODUCT.md), merged so that a rewatch counts once per session. The viewers
 * at position p are the sessions with a span [start, end) holding p. Counting that per point
 * needs no join per point: a span adds 1 from the first point at or after its start and takes it
 * back from the first point at or after its end, so viewers[k] is the running sum of both
 * histograms — one GROUP BY over the asset's spans.
 * The denominator is the sessions that played (at least one span of positive length): a session
 * that loaded and never played says nothing about where viewers leave.
 *
 * A live stream has no positions to speak of: its concurrent viewers over time come from its
 * sessions' loaded_at and ended_at (a session without ended_at ends when its watch time is up),
 * counted by interval the same way.
 */
import type { Warehouse } from '../warehouse/connection.js';
import type { Filter, LiveViewers, Retention, VideoRetention } from './shared/types.js';
import { BY_ASSET_TABLE, sessionConditions } from './sql.js';

export const SPANS_TABLE = 'viewership.watch_spans';
/** About this many points along a video, or intervals over a live stream's time. */
const POINTS = 100;
const LIVE_INTERVALS = 120;

/** A step of 1, 2 or 5 × a power of ten, at least 1 (seconds): tick-friendly positions. */
export function niceStep(span: number, points: number): number {
  const raw = Math.max(1, span / points);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Live intervals: seconds, minutes, hours or days that read well (1, 5, 15, 30 min; 1, 6 h; 1 d…). */
const LIVE_STEPS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400];

export function liveStep(seconds: number): number {
  const raw = seconds / LIVE_INTERVALS;
  return LIVE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400) * 86_400;
}

/** Running sums of +1/−1 marks by point index, from 0 to `last`. */
function runningSum(marks: Array<{ k: number; d: number }>, last: number): number[] {
  const delta = new Array<number>(last + 1).fill(0);
  for (const { k, d } of marks) if (k <= last) delta[Math.max(0, k)]! += d;
  let sum = 0;
  return delta.map((d) => (sum += d));
}

export async function videoRetention(
  db: Warehouse,
  filter: Filter & { asset: string },
  table = BY_ASSET_TABLE,
): Promise<VideoRetention> {
  const c = sessionConditions(filter);
  const scope = `WITH s AS (SELECT session_id, watch_seconds FROM ${table} ${c.where()}),
    sp AS (SELECT w.session_id, w.start_position AS a, w.end_position AS b, s.watch_seconds
           FROM ${SPANS_TABLE} w JOIN s USING (session_id)
           WHERE w.end_position > w.start_position)`;
  const [stats] = await db.jsonRows<{
    sessions: number;
    played: number;
    watch: number | null;
    longest: number | null;
  }>(
    `${scope}
     SELECT (SELECT count(*) FROM s)::DOUBLE AS sessions,
       count(DISTINCT session_id)::DOUBLE AS played,
       (SELECT sum(watch_seconds) FROM s WHERE session_id IN (SELECT session_id FROM sp))::DOUBLE AS watch,
       max(b)::DOUBLE AS longest
     FROM sp`,
    c.params,
  );
  const played = stats?.played ?? 0;
  const base = {
    kind: 'video' as const,
    asset: filter.asset,
    sessions: stats?.sessions ?? 0,
    played,
    averageViewSeconds: played > 0 ? (stats?.watch ?? 0) / played : 0,
  };
  if (played === 0 || !stats?.longest) return { ...base, step: 1, viewers: [] };
  const step = niceStep(stats.longest, POINTS);
  const last = Math.ceil(stats.longest / step);
  const marks = await db.jsonRows<{ k: number; d: number }>(
    `${scope}
     SELECT k::DOUBLE AS k, sum(d)::DOUBLE AS d FROM (
       SELECT ceil(a / ${step}) AS k, 1 AS d FROM sp
       UNION ALL SELECT ceil(b / ${step}), -1 FROM sp) GROUP BY k`,
    c.params,
  );
  return { ...base, step, viewers: runningSum(marks, last) };
}

export async function liveViewers(
  db: Warehouse,
  filter: Filter & { asset: string },
  table = BY_ASSET_TABLE,
): Promise<LiveViewers> {
  const c = sessionConditions(filter);
  const scope = `WITH s AS (
      SELECT epoch_us(loaded_at) / 1e6 AS l,
        greatest(epoch_us(loaded_at) / 1e6,
          coalesce(epoch_us(ended_at) / 1e6, epoch_us(loaded_at) / 1e6 + coalesce(watch_seconds, 0))) AS e
      FROM ${table} ${c.where()} ${c.parts.length > 0 ? 'AND' : 'WHERE'} loaded_at IS NOT NULL)`;
  const [span] = await db.jsonRows<{ n: number; lo: number | null; hi: number | null }>(
    `${scope} SELECT count(*)::DOUBLE AS n, min(l)::DOUBLE AS lo, max(e)::DOUBLE AS hi FROM s`,
    c.params,
  );
  const sessions = span?.n ?? 0;
  if (!sessions || span?.lo === null || span?.hi === null || !span) {
    return { kind: 'live', asset: filter.asset, sessions, start: '', step: 60, viewers: [] };
  }
  const step = liveStep(Math.max(60, span.hi - span.lo));
  const start = Math.floor(span.lo / step) * step;
  const last = Math.max(0, Math.ceil((span.hi - start) / step) - 1);
  // Open during interval i: loaded before it ends and ended after it starts.
  const marks = await db.jsonRows<{ k: number; d: number }>(
    `${scope}
     SELECT k::DOUBLE AS k, sum(d)::DOUBLE AS d FROM (
       SELECT floor((l - ${start}) / ${step}) AS k, 1 AS d FROM s
       UNION ALL SELECT greatest(floor((l - ${start}) / ${step}) + 1, ceil((e - ${start}) / ${step})), -1 FROM s)
     GROUP BY k`,
    c.params,
  );
  return {
    kind: 'live',
    asset: filter.asset,
    sessions,
    start: new Date(start * 1000).toISOString(),
    step,
    viewers: runningSum(marks, last),
  };
}

export async function retention(
  db: Warehouse,
  filter: Filter & { asset: string },
  type: 'video' | 'live_stream',
  table = BY_ASSET_TABLE,
): Promise<Retention> {
  return type === 'live_stream'
    ? liveViewers(db, filter, table)
    : videoRetention(db, filter, table);
}
