/**
 * What the dashboard asks a warehouse: its metadata (date extent, assets for the picker) and
 * every chart's rows for a filter. Runs on the serve snapshot and on the report's connection.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { chartById, CHARTS, SOURCES, type ChartDef } from './shared/charts.js';
import { dayNumber, isoDay } from '../calendar.js';
import { recentSessionsSql } from './explorer.js';
import { finalize } from './shared/finalize.js';
import {
  aggregateAnswers,
  aggregateSql,
  BY_ASSET_TABLE,
  byAssetSql,
  servedFromAggregateSql,
  servedSql,
  spansByAssetSql,
  type Statement,
} from './sql.js';
import type { Asset, AssetType, DataAnswer, Extent, Filter, Meta, Row } from './shared/types.js';
import { comparedRanges } from './shared/view.js';

export type WarehouseFacts = Omit<Meta, 'version' | 'state' | 'refreshedAt'>;

/** Builds the per-chart aggregates that make answers fast; once per snapshot. */
export async function buildAggregates(db: Warehouse): Promise<void> {
  await db.run(byAssetSql());
  for (const chart of CHARTS) await db.run(aggregateSql(chart, BY_ASSET_TABLE));
}

/** Everything serve computes once per snapshot, before the snapshot answers anything. */
export async function prepareSnapshot(db: Warehouse): Promise<void> {
  await buildAggregates(db);
  await db.run(spansByAssetSql());
  await db.run(recentSessionsSql());
}

export interface DayRange {
  from?: string;
  to?: string;
}

/** `expr BETWEEN from AND to` for the bounds given, as SQL and parameters. */
function inRange(expr: string, range: DayRange, params: number[]): string {
  const parts: string[] = [];
  for (const [bound, op] of [
    [range.from, '>='],
    [range.to, '<='],
  ] as const) {
    if (bound === undefined) continue;
    params.push(dayNumber(bound)!);
    parts.push(`${expr} ${op} $${params.length}`);
  }
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

async function extentOf(db: Warehouse, range: DayRange, master: string): Promise<Extent | null> {
  const params: number[] = [];
  const parts = (['master', 'timeseries', 'breakdowns'] as const).map((name) => {
    const s = SOURCES[name];
    const extra = name === 'timeseries' ? ` AND interval = 'day'` : '';
    return `SELECT min(${s.day}) AS lo, max(${s.day}) AS hi FROM ${name === 'master' ? master : s.table}
      WHERE ${inRange(s.day, range, params)}${extra}`;
  });
  const [row] = await db.jsonRows<{ lo: number | null; hi: number | null }>(
    `SELECT min(lo)::INTEGER AS lo, max(hi)::INTEGER AS hi FROM (${parts.join(' UNION ALL ')})`,
    params,
  );
  if (!row || row.lo === null || row.hi === null) return null;
  return { from: isoDay(row.lo), to: isoDay(row.hi) };
}

async function assetsOf(db: Warehouse, range: DayRange, master: string): Promise<Asset[]> {
  const params: number[] = [];
  const where = inRange(SOURCES.master.day, range, params);
  // The catalog's current title wins; a session's own copy covers assets the catalog lost.
  const rows = await db.jsonRows<{
    type: AssetType;
    id: string;
    title: string | null;
    sessions: number;
  }>(
    `
    WITH seen AS (
      SELECT asset_type, asset_id, max(asset_title) AS title, count(*)::DOUBLE AS sessions
      FROM ${master} WHERE ${where} GROUP BY 1, 2
    ),
    catalog AS (
      SELECT 'video' AS asset_type, video_id AS asset_id, title FROM main.videos
      UNION ALL SELECT 'live_stream', live_stream_id, name FROM main.live_streams
    )
    SELECT s.asset_type AS type, s.asset_id AS id, coalesce(c.title, s.title) AS title, s.sessions
    FROM seen s LEFT JOIN catalog c USING (asset_type, asset_id)
    ORDER BY sessions DESC, type, id`,
    params,
  );
  return rows.map((r) => ({ type: r.type, id: r.id, title: r.title, sessions: r.sessions }));
}

async function countriesOf(db: Warehouse, master: string): Promise<Record<string, string>> {
  const rows = await db.jsonRows<{ code: string; name: string }>(`
    SELECT country_code AS code, max(country) AS name FROM ${master}
    WHERE country_code IS NOT NULL AND country IS NOT NULL GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

async function lastSyncOf(db: Warehouse): Promise<WarehouseFacts['lastSync']> {
  const [row] = await db.jsonRows<{ finished_at: string; status: string }>(`
    SELECT strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at, status FROM main.sync_runs
    WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1`);
  return row ? { finishedAt: row.finished_at, status: row.status } : null;
}

/**
 * What the page needs besides charts; `range` limits it to some days (for a report). `master`:
 * where master's rows are read (serve: its sorted copy, which holds every column used here).
 */
export async function readFacts(
  db: Warehouse,
  range: DayRange = {},
  master = SOURCES.master.table,
): Promise<WarehouseFacts> {
  const assets = await assetsOf(db, range, master);
  return {
    extent: await extentOf(db, range, master),
    assets,
    countries: await countriesOf(db, master),
    lastSync: await lastSyncOf(db),
    sessions: assets.reduce((n, a) => n + a.sessions, 0),
  };
}

async function run(db: Warehouse, statement: Statement): Promise<Row[]> {
  return db.jsonRows<Row>(statement.sql, statement.params);
}

/**
 * One chart for one filter. `aggregates`: answer from the snapshot's aggregates when the filter
 * allows it (they must have been built on this connection).
 */
export async function chartRows(
  db: Warehouse,
  chart: ChartDef,
  filter: Filter,
  aggregates = false,
): Promise<Row[]> {
  let statement = servedSql(chart, filter);
  if (aggregates) {
    statement = aggregateAnswers(chart, filter)
      ? servedFromAggregateSql(chart, filter)
      : servedSql(chart, filter, BY_ASSET_TABLE);
  }
  return finalize(chart, await run(db, statement));
}

/**
 * Every chart for one filter. With `fast` (serve, after `buildAggregates`), a filter without an
 * asset is answered from the aggregates and one with an asset from the copy sorted by asset;
 * both give what the plain per-chart queries on the source tables give.
 */
export async function allCharts(
  db: Warehouse,
  filter: Filter,
  fast = false,
): Promise<Record<string, Row[]>> {
  const charts: Record<string, Row[]> = {};
  for (const chart of CHARTS) charts[chart.id] = await chartRows(db, chart, filter, fast);
  return charts;
}

/** The charts the period comparison draws for the previous period. */
export const COMPARED = ['totals', 'daily', 'countries'] as const;

/**
 * Every chart for one filter, and the compared charts for the period of equal length before it
 * (`extent` closes an open range: "all days" is compared with as many days before the first).
 */
export async function dataAnswer(
  db: Warehouse,
  filter: Filter,
  extent: Extent | null,
  fast = false,
): Promise<Omit<DataAnswer, 'version'>> {
  const charts = await allCharts(db, filter, fast);
  const ranges = comparedRanges(filter, extent);
  let previous: DataAnswer['previous'] = null;
  if (ranges) {
    const before: Filter = { ...filter, ...ranges.previous };
    const rows: Record<string, Row[]> = {};
    for (const id of COMPARED) rows[id] = await chartRows(db, chartById(id), before, fast);
    previous = { ...ranges.previous, charts: rows };
  }
  return { filter, charts, previous };
}
