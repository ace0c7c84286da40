/**
 * Audience retention of one asset, in SQL, on serve's snapshot or the report's connection.
 *
 * A video: `viewership.watch_spans` holds, per session, the union of its play stretches by the
 * watch_seconds rule (docs/data-contract.md), merged so that a rewatch counts once per session. The viewers
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
import { BY_ASSET_TABLE, sessionConditions, SPANS_BY_ASSET_TABLE } from './sql.js';

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

/** Where retention reads: serve's per-snapshot copies sorted by asset, or a report's. */
export interface RetentionTables {
  /** master's columns (session_id, asset, loaded_at, ended_at, watch_seconds). */
  sessions: string;
  /** asset_id, day, a (start position), b (end position): see sql.ts spansByAssetSql. */
  spans: string;
}

const SERVE_TABLES: RetentionTables = { sessions: BY_ASSET_TABLE, spans: SPANS_BY_ASSET_TABLE };

export async function videoRetention(
  db: Warehouse,
  filter: Filter & { asset: string },
  tables = SERVE_TABLES,
): Promise<VideoRetention> {
  const c = sessionConditions(filter);
  // A session played iff it has a span of positive length iff its watch_seconds is positive
  // (both are the sum of the stretches it counted): so the figures need no spans.
  const [stats] = await db.jsonRows<{ sessions: number; played: number; watch: number | null }>(
    `SELECT count(*)::DOUBLE AS sessions, count_if(watch_seconds > 0)::DOUBLE AS played,
       sum(watch_seconds)::DOUBLE AS watch
     FROM ${tables.sessions} ${c.where()}`,
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
  // The spans table has the asset's id and day under master's names for them: the same filter.
  const s = sessionConditions(filter, { day: 'day', type: undefined });
  const scope = `SELECT a, b FROM ${tables.spans} ${s.where()}`;
  const [span] = await db.jsonRows<{ longest: number | null }>(
    `SELECT max(b)::DOUBLE AS longest FROM (${scope})`,
    s.params,
  );
  if (played === 0 || !span?.longest) return { ...base, step: 1, viewers: [] };
  const step = niceStep(span.longest, POINTS);
  const last = Math.ceil(span.longest / step);
  const marks = await db.jsonRows<{ k: number; d: number }>(
    `WITH sp AS (${scope})
     SELECT k::DOUBLE AS k, sum(d)::DOUBLE AS d FROM (
       SELECT ceil(a / ${step}) AS k, 1 AS d FROM sp
       UNION ALL SELECT ceil(b / ${step}), -1 FROM sp) GROUP BY k`,
    s.params,
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
  tables = SERVE_TABLES,
): Promise<Retention> {
  return type === 'live_stream'
    ? liveViewers(db, filter, tables.sessions)
    : videoRetention(db, filter, tables);
}
