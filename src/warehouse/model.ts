/**
 * Model: the `master` table, one row per session, and the asset titles sessions carry.
 *
 * `watch_seconds` follows PRODUCT.md's rule, computed set-wise with window functions:
 * - an event "is playing" when the last play/resume/pause/end/ready before it was a play or resume;
 * - a stretch starts at a play/resume (at `at_position`) or at a seek while playing (at `to_position`);
 * - a seek while playing ends the stretch at `from_position`, a pause/end at `at_position`;
 *   `ready` ends it uncounted; a play/resume while playing restarts it uncounted;
 * - each ended stretch adds min(max(0, Δposition), max(0, Δseconds)); an open stretch adds nothing.
 * The reference implementation the tests hold this against is src/emulator/watch-stats.ts.
 *
 * The figures are computed per loaded batch from the batch's own events (a session's events are
 * always loaded whole) into `viewership.session_stats`, and master is the view joining sessions
 * with them. A sync therefore never scans the whole `session_events` table nor rewrites a copy of
 * every session: its time and memory follow what it loads, not what the warehouse holds.
 */
import type { Warehouse } from './connection.js';
import { SESSION_COLUMNS } from './schema.js';

const SESSION_LIST = SESSION_COLUMNS.map((c) => `s.${c.name}`).join(', ');

/** Per-session figures from the events in `source` (every event of each session it holds). */
function eventStats(source: string): string {
  return `
  WITH ev AS (
    SELECT session_id, seq, type, emitted_at, at_position, from_position, to_position,
      CASE WHEN type IN ('play', 'resume') THEN 1 WHEN type IN ('pause', 'end', 'ready') THEN 0 END AS state_change
    FROM ${source}
  ),
  playing AS (
    SELECT *,
      coalesce(last_value(state_change IGNORE NULLS) OVER before_me, 0) = 1 AS playing_before
    FROM ev
    WINDOW before_me AS (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ),
  marked AS (
    SELECT *,
      CASE
        WHEN type IN ('play', 'resume') THEN {'pos': at_position, 't': emitted_at}
        WHEN type LIKE 'seek.%' AND playing_before THEN {'pos': to_position, 't': emitted_at}
      END AS starts_stretch
    FROM playing
  ),
  stretched AS (
    SELECT *,
      last_value(starts_stretch IGNORE NULLS) OVER before_me AS stretch,
      CASE
        WHEN NOT playing_before THEN NULL
        WHEN type LIKE 'seek.%' THEN from_position
        WHEN type IN ('pause', 'end') THEN at_position
      END AS stretch_end
    FROM marked
    WINDOW before_me AS (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  )
  SELECT session_id,
    count(*)::INTEGER AS event_count,
    count_if(type = 'play')::INTEGER AS play_count,
    count_if(type = 'pause')::INTEGER AS pause_count,
    count_if(type = 'resume')::INTEGER AS resume_count,
    count_if(type LIKE 'seek.%')::INTEGER AS seek_count,
    bool_or(type = 'end') AS ended,
    coalesce(sum(
      CASE WHEN stretch_end IS NOT NULL AND stretch.pos IS NOT NULL THEN
        least(greatest(0, stretch_end - stretch.pos),
              greatest(0, (epoch_us(emitted_at) - epoch_us(stretch.t)) / 1e6))
      END), 0)::DOUBLE AS watch_seconds,
    max(greatest(at_position, from_position, to_position))::DOUBLE AS max_position
  FROM stretched
  GROUP BY session_id`;
}

/** Master's figures and what a session without events gets (max_position stays NULL). */
const METRICS: Array<[string, string | null]> = [
  ['event_count', '0'],
  ['play_count', '0'],
  ['pause_count', '0'],
  ['resume_count', '0'],
  ['seek_count', '0'],
  ['ended', 'false'],
  ['watch_seconds', '0'],
  ['max_position', null],
];

/** The master view: every session with its figures. */
export const MASTER_VIEW_SQL = `CREATE OR REPLACE VIEW main.master AS
  SELECT ${SESSION_LIST},
    ${METRICS.map(([name, zero]) => (zero === null ? `t.${name}` : `coalesce(t.${name}, ${zero}) AS ${name}`)).join(',\n    ')}
  FROM main.sessions s LEFT JOIN viewership.session_stats t ON t.session_id = s.session_id`;

/** Recomputes session_stats for every session whose events are in `events` (a table name). */
export async function refreshSessionStats(db: Warehouse, events: string): Promise<void> {
  await db.run(`INSERT OR REPLACE INTO viewership.session_stats ${eventStats(events)}`);
}

/** Recomputes every session's figures from all stored events (the path tests check the per-batch one with). */
export async function rebuildMaster(db: Warehouse): Promise<void> {
  await db.run('DELETE FROM viewership.session_stats');
  await db.run(`INSERT INTO viewership.session_stats ${eventStats('main.session_events')}`);
}

/** Sessions carry their asset's current title: renamed assets are renamed everywhere. */
export async function refreshAssetTitles(db: Warehouse): Promise<void> {
  await db.run(`
    UPDATE main.sessions AS s SET asset_title = a.title
    FROM (SELECT 'video' AS asset_type, video_id AS asset_id, title FROM main.videos
          UNION ALL SELECT 'live_stream', live_stream_id, name FROM main.live_streams) a
    WHERE s.asset_type = a.asset_type AND s.asset_id = a.asset_id
      AND s.asset_title IS DISTINCT FROM a.title`);
}
