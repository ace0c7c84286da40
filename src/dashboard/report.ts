/**
 * `report`: one self-contained HTML file — the dashboard's bundle, its styles, and the data as
 * cubes — that opens from disk with no network and a CSP that forbids any request.
 *
 * Size: cubes keep one row per (day, asset, chart dimensions). When that would exceed the data
 * budget, the report coarsens step by step: weeks, then months, then per asset type instead of
 * per asset (the asset picker is then off). Each step is tried only if its row count promises
 * to fit.
 *
 * Sessions one by one do not scale to a file (a million of them would take hundreds of MB), so
 * the explorer and the timelines of a report read a bounded set, chosen so that every busy asset
 * has some: the latest sessions of the range, and the latest few of each of the busiest assets,
 * each with its first events; cut to a byte budget. Retention is embedded per asset for the
 * busiest assets, over the report's whole range. The page says all this where it applies.
 */
import { parseDayRange } from '../calendar.js';
import { assertNotWarehouse, writeTextOutput } from '../outputs.js';
import type { Warehouse } from '../warehouse/connection.js';
import { DASHBOARD_TABLES, withReadableWarehouse } from '../warehouse/open.js';
import { readBundle } from './bundle.js';
import { CHARTS } from './shared/charts.js';
import { Dictionary, encodeCube, type ReportData } from './shared/cube.js';
import { EVENT_SQL, SESSION_ROW_SQL } from './explorer.js';
import { jsonForScript, reportPage } from './html.js';
import { readFacts } from './queries.js';
import { retention } from './retention.js';
import { SOURCES } from './shared/charts.js';
import type { ReportSessions } from './shared/cube.js';
import { cubeSql, sessionConditions, spansByAssetSql, type CubeShape } from './sql.js';
import type { Retention, Row, SessionEvent, SessionRow } from './shared/types.js';

/** Bytes of the cubes at most; with the sessions' budget and the app, the file stays < 8 MB. */
export const DEFAULT_DATA_BUDGET = 5_500_000;
/** What the report carries of single sessions (see the top of this file). */
export const SAMPLE = {
  latest: 300,
  perAsset: 5,
  assets: 200,
  maxEvents: 100,
  bytes: 1_000_000,
  retentionAssets: 50,
};
const SCOPE_TABLE = 'temp.main.report_sessions';

const SHAPES: CubeShape[] = [
  { grain: 'day', by: 'asset' },
  { grain: 'week', by: 'asset' },
  { grain: 'month', by: 'asset' },
  { grain: 'month', by: 'type' },
];

/** Bytes per cube cell in JSON, a little over what demo data takes (2.6): for the first estimate. */
const BYTES_PER_CELL = 3;

export interface ReportOptions {
  /** A DuckDB file, or a PostgreSQL URL (read through a local snapshot). */
  db: string;
  schema?: string;
  out: string;
  from?: string;
  to?: string;
  /** The most bytes the embedded data may take (default 6 MB). */
  dataBudget?: number;
}

export interface ReportResult {
  out: string;
  bytes: number;
  dataBytes: number;
  grain: ReportData['grain'];
  by: ReportData['by'];
  sessions: number;
}

async function cubeRowCount(
  db: Warehouse,
  shape: CubeShape,
  range: { from?: string; to?: string },
) {
  let rows = 0;
  let cells = 0;
  for (const chart of CHARTS) {
    const { sql, params } = cubeSql(chart, shape, range, SCOPE_TABLE);
    const [row] = await db.jsonRows<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM (${sql})`,
      params,
    );
    const n = row?.n ?? 0;
    rows += n;
    cells += n * (chart.dims.length + chart.measures.length + 3);
  }
  return { rows, cells };
}

/** The report's data for the warehouse on `db`: the finest cubes that fit the budget. */
export async function buildReportData(
  db: Warehouse,
  range: { from?: string; to?: string } = {},
  budget = DEFAULT_DATA_BUDGET,
): Promise<ReportData> {
  // Master is a view joining sessions with their figures: joined once here, read many times.
  await scopeSessions(db, range);
  const facts = await readFacts(db, range, SCOPE_TABLE);
  const meta = {
    version: 1,
    state: 'ready' as const,
    refreshedAt: new Date().toISOString(),
    ...facts,
  };
  let data: ReportData | undefined;
  for (const [i, shape] of SHAPES.entries()) {
    const last = i === SHAPES.length - 1;
    if (!last) {
      const { cells } = await cubeRowCount(db, shape, range);
      if (cells * BYTES_PER_CELL > budget) continue;
    }
    const dict = new Dictionary();
    const cubes: ReportData['cubes'] = {};
    for (const chart of CHARTS) {
      const { sql, params } = cubeSql(chart, shape, range, SCOPE_TABLE);
      cubes[chart.id] = encodeCube(chart, shape.by, await db.jsonRows<Row>(sql, params), dict);
    }
    data = {
      generatedAt: meta.refreshedAt,
      meta,
      ...shape,
      strings: dict.strings,
      cubes,
      retention: {},
      sessions: { note: '', rows: [], events: {}, maxEvents: SAMPLE.maxEvents },
    };
    if (last || jsonForScript(data).length <= budget) break;
  }
  // Per asset type only, the page cannot pick an asset: retention would be unreachable bytes.
  if (data!.by === 'asset') data!.retention = await retentionOf(db, facts.assets);
  data!.sessions = await sampleSessions(db, facts.sessions);
  // Without per-asset cubes the picker has nothing to offer.
  if (data!.by === 'type') data!.meta.assets = [];
  return data!;
}

/** The range's sessions with the columns the explorer reads, sorted by asset: asked many times. */
async function scopeSessions(db: Warehouse, range: { from?: string; to?: string }) {
  const c = sessionConditions({ type: 'all', ...range });
  await db.run(
    `CREATE OR REPLACE TEMP TABLE report_sessions AS
     SELECT ${SOURCES.master.columns!.join(', ')} FROM main.master ${c.where()}
     ORDER BY asset_id, loaded_at`,
    c.params,
  );
  await db.run(spansByAssetSql('report_spans', SCOPE_TABLE));
}

async function sampleSessions(db: Warehouse, total: number): Promise<ReportSessions> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE report_sample AS
     WITH ranked AS (
       SELECT *,
         row_number() OVER (PARTITION BY asset_id ORDER BY loaded_at DESC, session_id) AS r_asset,
         row_number() OVER (ORDER BY loaded_at DESC, session_id) AS r_all
       FROM ${SCOPE_TABLE}),
     busiest AS (
       SELECT asset_id FROM ${SCOPE_TABLE} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${SAMPLE.assets})
     SELECT *, least(r_asset, r_all) AS priority FROM ranked
     WHERE r_all <= ${SAMPLE.latest} OR (r_asset <= ${SAMPLE.perAsset} AND asset_id IN (SELECT asset_id FROM busiest))`,
  );
  const rows = await db.jsonRows<SessionRow>(
    `SELECT ${SESSION_ROW_SQL} FROM temp.main.report_sample
     ORDER BY priority, loaded_at DESC, session_id`,
  );
  const events: Record<string, SessionEvent[]> = {};
  const list = await db.jsonRows<SessionEvent & { session_id: string }>(
    `SELECT session_id, ${EVENT_SQL} FROM main.session_events
     WHERE session_id IN (SELECT session_id FROM temp.main.report_sample)
     QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY seq) <= ${SAMPLE.maxEvents}
     ORDER BY session_id, seq`,
  );
  for (const { session_id, ...event } of list) (events[session_id] ??= []).push(event);
  // Least wanted last: cut from the end until the set fits its budget.
  let kept = rows.length;
  const size = (n: number) =>
    jsonForScript(rows.slice(0, n)).length +
    rows.slice(0, n).reduce((sum, r) => sum + jsonForScript(events[r.session_id] ?? []).length, 0);
  while (kept > 0 && size(kept) > SAMPLE.bytes) kept = Math.floor(kept * 0.9);
  const chosen = rows.slice(0, kept);
  const keptEvents: Record<string, SessionEvent[]> = {};
  for (const r of chosen)
    if (events[r.session_id]) keptEvents[r.session_id] = events[r.session_id]!;
  const n = (x: number) => x.toLocaleString('en-US');
  const note =
    chosen.length >= total
      ? `This report carries every session of its range (${n(total)}), with up to ${SAMPLE.maxEvents} events each.`
      : `This report carries ${n(chosen.length)} of the ${n(total)} sessions of its range: the latest ${n(SAMPLE.latest)} and the latest ${SAMPLE.perAsset} of each of the ${SAMPLE.assets} busiest videos and live streams, with up to ${SAMPLE.maxEvents} events each. The explorer searches those; viewership serve has them all.`;
  return { note, rows: chosen, events: keptEvents, maxEvents: SAMPLE.maxEvents };
}

async function retentionOf(
  db: Warehouse,
  assets: ReportData['meta']['assets'],
): Promise<Record<string, Retention>> {
  const out: Record<string, Retention> = {};
  for (const asset of assets.slice(0, SAMPLE.retentionAssets)) {
    out[asset.id] = await retention(db, { type: 'all', asset: asset.id }, asset.type, {
      sessions: SCOPE_TABLE,
      spans: 'temp.main.report_spans',
    });
  }
  return out;
}

export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  parseDayRange(options);
  const range = {
    ...(options.from !== undefined && { from: options.from }),
    ...(options.to !== undefined && { to: options.to }),
  };
  assertNotWarehouse(options.out, options.db);
  const app = readBundle();
  const data = await withReadableWarehouse(
    options.db,
    { schema: options.schema, tables: DASHBOARD_TABLES, raw: false },
    (db) => buildReportData(db, range, options.dataBudget),
  );
  const title = data.meta.extent
    ? `viewership report, ${data.meta.extent.from} to ${data.meta.extent.to}`
    : 'viewership report';
  const { html } = reportPage({ title, app, data });
  await writeTextOutput(options.out, html);
  return {
    out: options.out,
    bytes: Buffer.byteLength(html),
    dataBytes: jsonForScript(data).length,
    grain: data.grain,
    by: data.by,
    sessions: data.meta.sessions,
  };
}
