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
 */
import type { Warehouse } from './connection.js';
import { SESSION_COLUMNS } from './schema.js';

const SESSION_LIST = SESSION_COLUMNS.map((c) => `s.${c.name}`).join(', ');

/** Per-session figures from `session_events`, for the sessions `scope` (a subquery of session ids) selects. */
function eventStats(scope: string | undefined): string {
  const where = scope ? `WHERE session_id IN (${scope})` : '';
  return `
  WITH ev AS (
    SELECT session_id, seq, type, emitted_at, at_position, from_position, to_position,
      CASE WHEN type IN ('play', 'resume') THEN 1 WHEN type IN ('pause', 'end', 'ready') THEN 0 END AS state_change
    FROM main.session_events ${where}
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

/** The master rows for the sessions `scope` selects (all sessions when omitted). */
export function masterSelect(scope?: string): string {
  const sessionWhere = scope ? `WHERE s.session_id IN (${scope})` : '';
  return `
  WITH stats AS (${eventStats(scope)})
  SELECT ${SESSION_LIST},
    coalesce(e.event_count, 0)::INTEGER AS event_count,
    coalesce(e.play_count, 0)::INTEGER AS play_count,
    coalesce(e.pause_count, 0)::INTEGER AS pause_count,
    coalesce(e.resume_count, 0)::INTEGER AS resume_count,
    coalesce(e.seek_count, 0)::INTEGER AS seek_count,
    coalesce(e.ended, false) AS ended,
    coalesce(e.watch_seconds, 0)::DOUBLE AS watch_seconds,
    e.max_position
  FROM main.sessions s LEFT JOIN stats e USING (session_id)
  ${sessionWhere}`;
}

/** Recomputes the master rows of the sessions `scope` selects; run inside the batch's transaction. */
export async function refreshMaster(db: Warehouse, scope: string): Promise<void> {
  await db.run(`DELETE FROM main.master WHERE session_id IN (${scope})`);
  await db.run(`INSERT INTO main.master ${masterSelect(scope)}`);
}

/** Rebuilds master from scratch (after a schema change, or to check the incremental path). */
export async function rebuildMaster(db: Warehouse): Promise<void> {
  await db.run(`DELETE FROM main.master`);
  await db.run(`INSERT INTO main.master ${masterSelect()}`);
}

/** Sessions carry their asset's current title: renamed assets are renamed everywhere. */
export async function refreshAssetTitles(db: Warehouse): Promise<void> {
  for (const table of ['sessions', 'master']) {
    await db.run(`
      UPDATE main.${table} AS s SET asset_title = a.title
      FROM (SELECT 'video' AS asset_type, video_id AS asset_id, title FROM main.videos
            UNION ALL SELECT 'live_stream', live_stream_id, name FROM main.live_streams) a
      WHERE s.asset_type = a.asset_type AND s.asset_id = a.asset_id
        AND s.asset_title IS DISTINCT FROM a.title`);
  }
}
