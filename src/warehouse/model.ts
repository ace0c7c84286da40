/**
 * Model, in DuckDB: the `master` view (one row per session: the session and what its events add
 * up to), and the asset titles sessions carry.
 *
 * The figures themselves are computed by figures.ts as a session's events are loaded, into
 * `viewership.session_stats` and `viewership.watch_spans`; master joins them to sessions, so it
 * is always current and never a second copy of every session to keep in step.
 */
import duckdb from '@duckdb/node-api';
import type { Warehouse } from './connection.js';
import { SessionFigures } from './figures.js';
import { TableLoader } from './load.js';
import { MASTER_METRIC_COLUMNS, SESSION_COLUMNS, type Row } from './schema.js';

/** What a session without events shows: no events, nothing watched, max_position unknown. */
const NO_EVENTS: Record<string, string | null> = {
  event_count: '0',
  play_count: '0',
  pause_count: '0',
  resume_count: '0',
  seek_count: '0',
  ended: 'false',
  watch_seconds: '0',
  max_position: null,
};

/**
 * The master view: every session with its figures. Plain SQL that DuckDB and PostgreSQL both
 * run; `contract` and `internal` name the schemas (DuckDB: main and viewership).
 */
export const masterViewSql = (contract = 'main', internal = 'viewership') =>
  `CREATE OR REPLACE VIEW ${contract}.master AS
  SELECT ${SESSION_COLUMNS.map((c) => `s.${c.name}`).join(', ')},
    ${MASTER_METRIC_COLUMNS.map(({ name }) => {
      const zero = NO_EVENTS[name];
      return zero === null || zero === undefined
        ? `t.${name}`
        : `coalesce(t.${name}, ${zero}) AS ${name}`;
    }).join(',\n    ')}
  FROM ${contract}.sessions s LEFT JOIN ${internal}.session_stats t ON t.session_id = s.session_id`;

export const MASTER_VIEW_SQL = masterViewSql();

/** Sessions carry their asset's current title: renamed assets are renamed everywhere. */
export const refreshTitlesSql = (contract = 'main') => `
  UPDATE ${contract}.sessions AS s SET asset_title = a.title
  FROM (SELECT 'video' AS asset_type, video_id AS asset_id, title FROM ${contract}.videos
        UNION ALL SELECT 'live_stream', live_stream_id, name FROM ${contract}.live_streams) a
  WHERE s.asset_type = a.asset_type AND s.asset_id = a.asset_id
    AND s.asset_title IS DISTINCT FROM a.title`;

export const REFRESH_TITLES_SQL = refreshTitlesSql();

export async function refreshAssetTitles(db: Warehouse): Promise<void> {
  await db.run(REFRESH_TITLES_SQL);
}

/** REFRESH_TITLES_SQL for the sessions listed in $1 (a VARCHAR[]) only. */
export const REFRESH_SOME_TITLES_SQL = `${REFRESH_TITLES_SQL}
    AND s.session_id IN (SELECT unnest($1::VARCHAR[]))`;

/** A stored event as the figures need it (emitted_at in microseconds). */
export interface StoredEvent {
  session_id: string;
  type: string | null;
  emitted_at: bigint | null;
  at_position: number | null;
  from_position: number | null;
  to_position: number | null;
}

/** Folds events ordered by session, then seq, into session_stats and watch_spans rows. */
/** Figures and spans of the sessions whose events these are, in session and seq order. */
export function foldFigures(events: StoredEvent[]): { stats: Row[]; spans: Row[] } {
  const stats: Row[] = [];
  const spans: Row[] = [];
  let figures: SessionFigures | undefined;
  const finish = () => {
    if (!figures) return;
    const rows = figures.rows();
    stats.push(rows.stats);
    spans.push(...rows.spans);
  };
  for (const e of events) {
    if (figures?.sessionId !== e.session_id) {
      finish();
      figures = new SessionFigures(e.session_id);
    }
    figures.add({
      type: e.type,
      emittedAt: e.emitted_at === null ? null : BigInt(e.emitted_at),
      at: e.at_position,
      from: e.from_position,
      to: e.to_position,
    });
  }
  finish();
  return { stats, spans };
}

const EVENT_FIGURE_COLUMNS = `session_id, type, epoch_us(emitted_at) AS emitted_at, at_position, from_position, to_position`;

/**
 * Computes these sessions' figures and spans again from all their stored events (the collector's
 * sessions, whose events arrive over many batches); call inside a transaction.
 */
export async function refigureSessions(
  db: Warehouse,
  sessionIds: readonly string[],
  loader: (table: 'session_stats' | 'watch_spans') => TableLoader,
): Promise<void> {
  if (sessionIds.length === 0) return;
  const ids = duckdb.listValue([...new Set(sessionIds)]);
  const events = await db.rows<StoredEvent>(
    `SELECT ${EVENT_FIGURE_COLUMNS} FROM main.session_events
     WHERE session_id IN (SELECT unnest($1::VARCHAR[])) ORDER BY session_id, seq`,
    [ids],
  );
  const { stats, spans } = foldFigures(events);
  // A session's spans can only be replaced by rows for it: one that has none now loses its old ones here.
  await db.run(
    `DELETE FROM viewership.watch_spans WHERE session_id IN (SELECT unnest($1::VARCHAR[]))`,
    [ids],
  );
  await loader('session_stats').load(stats);
  await loader('watch_spans').load(spans);
}

/**
 * Recomputes every session's figures and spans from the stored events, a few thousand sessions
 * at a time (for a migration, or after the rule changed); call inside a transaction.
 */
export async function recomputeFigures(db: Warehouse, sessionsPerRound = 2000): Promise<void> {
  const stats = new TableLoader(db, 'session_stats');
  const spans = new TableLoader(db, 'watch_spans');
  await db.run('DELETE FROM viewership.session_stats');
  await db.run('DELETE FROM viewership.watch_spans');
  let after = '';
  for (;;) {
    const ids = await db.rows<{ session_id: string }>(
      `SELECT DISTINCT session_id FROM main.session_events WHERE session_id > $1
       ORDER BY session_id LIMIT ${sessionsPerRound}`,
      [after],
    );
    if (ids.length === 0) return;
    const last = ids.at(-1)!.session_id;
    const events = await db.rows<StoredEvent>(
      `SELECT ${EVENT_FIGURE_COLUMNS}
       FROM main.session_events WHERE session_id > $1 AND session_id <= $2 ORDER BY session_id, seq`,
      [after, last],
    );
    const { stats: statRows, spans: spanRows } = foldFigures(events);
    await stats.load(statRows);
    await spans.load(spanRows);
    after = last;
  }
}
