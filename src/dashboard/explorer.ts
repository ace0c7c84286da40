/**
 * The session explorer's and the timeline's questions, in SQL. serve asks them of its snapshot
 * (the explorer reads the per-snapshot copy of master sorted by asset, where DuckDB skips other
 * assets' rows); the report asks them once, for the bounded set of sessions it embeds.
 * Every value the user chose travels as a bound parameter.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { PAGE_SIZE, SEARCHED } from './shared/explorer.js';
import type {
  SessionDetail,
  SessionEvent,
  SessionPage,
  SessionQuery,
  SessionRow,
  SessionSort,
} from './shared/types.js';
import { BY_ASSET_TABLE, sessionConditions, type Conditions } from './sql.js';

/** The most events a timeline lists; a longer session says how many it left out. */
export const MAX_TIMELINE_EVENTS = 2000;

/** The explorer's columns, as JSON-friendly SQL (numbers as DOUBLE, times as ISO text). */
export const SESSION_ROW_SQL = `session_id, asset_type, asset_id,
  strftime(loaded_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS loaded_at,
  country_code, city, device_type, os_name, client_name, referrer_source,
  watch_seconds::DOUBLE AS watch_seconds, ended, max_position::DOUBLE AS max_position,
  event_count::DOUBLE AS event_count`;

/**
 * Sort keys: plain columns, so DuckDB's top-N skips row groups that cannot make the page. Times
 * travel to the microsecond (fixed width), so the report's string order is the same order.
 */
const SORT_SQL: Record<SessionSort, string> = {
  time: 'loaded_at',
  country: 'country_code',
  device: 'device_type',
  watch: 'watch_seconds',
  ended: 'ended',
};

export function orderSql(sort: SessionSort, dir: 'asc' | 'desc'): string {
  return `ORDER BY ${SORT_SQL[sort]} ${dir.toUpperCase()} NULLS LAST, ${SORT_SQL.time} DESC, session_id ASC`;
}

function searchCondition(c: Conditions, q: string | undefined): void {
  if (!q) return;
  const any = SEARCHED.map((col) => `contains(lower(${col}), ?)`).join(' OR ');
  c.add(`(${any})`, ...SEARCHED.map(() => q.toLowerCase()));
}

export const RECENT_TABLE = 'temp.main.recent_sessions';
/** How many of the newest sessions serve keeps apart: 400 pages of the explorer's default order. */
export const RECENT_ROWS = 10_000;

/**
 * The newest sessions, in the explorer's default order (newest first), per snapshot. Newest
 * first is what a reader sees first and the dearest to find among a million rows (the copy is
 * sorted by asset, so no row group can be skipped); and it can be found here exactly: every
 * session left out comes after every session kept, in that order.
 */
export function recentSessionsSql(rows = RECENT_ROWS): string {
  return `CREATE OR REPLACE TEMP TABLE recent_sessions AS
    SELECT * FROM ${BY_ASSET_TABLE} ${orderSql('time', 'desc')} LIMIT ${rows}`;
}

export async function sessionPage(
  db: Warehouse,
  query: SessionQuery,
  tables: { sessions: string; recent?: string } = {
    sessions: BY_ASSET_TABLE,
    recent: RECENT_TABLE,
  },
): Promise<SessionPage> {
  const c = sessionConditions(query.filter);
  searchCondition(c, query.q);
  const [count] = await db.jsonRows<{ n: number }>(
    `SELECT count(*)::DOUBLE AS n FROM ${tables.sessions} ${c.where()}`,
    c.params,
  );
  const pageOf = (table: string) =>
    db.jsonRows<SessionRow>(
      `SELECT ${SESSION_ROW_SQL} FROM ${table} ${c.where()} ${orderSql(query.sort, query.dir)}
       LIMIT ${PAGE_SIZE} OFFSET ${query.page * PAGE_SIZE}`,
      c.params,
    );
  let rows: SessionRow[] | undefined;
  if (tables.recent && query.sort === 'time' && query.dir === 'desc') {
    // A full page from the newest sessions is the page: whatever was left out comes later.
    const recent = await pageOf(tables.recent);
    if (recent.length === PAGE_SIZE) rows = recent;
  }
  rows ??= await pageOf(tables.sessions);
  return { total: count?.n ?? 0, page: query.page, pageSize: PAGE_SIZE, rows };
}

export const EVENT_SQL = `seq::INTEGER AS seq, type,
  strftime(emitted_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS emitted_at,
  at_position::DOUBLE AS at_position, from_position::DOUBLE AS from_position,
  to_position::DOUBLE AS to_position`;

/** One session and its events in order; undefined when the warehouse has no such session. */
export async function sessionDetail(db: Warehouse, id: string): Promise<SessionDetail | undefined> {
  const [session] = await db.jsonRows<SessionRow>(
    `SELECT ${SESSION_ROW_SQL} FROM main.master WHERE session_id = $1`,
    [id],
  );
  if (!session) return undefined;
  const events = await db.jsonRows<SessionEvent>(
    `SELECT ${EVENT_SQL} FROM main.session_events WHERE session_id = $1 ORDER BY seq
     LIMIT ${MAX_TIMELINE_EVENTS}`,
    [id],
  );
  return { session, events, eventCount: session.event_count };
}
