/**
 * `report`: one self-contained HTML file — the dashboard's bundle, its styles, and the data as
 * cubes — that opens from disk with no network and a CSP that forbids any request.
 *
 * Size: cubes keep one row per (day, asset, chart dimensions). When that would exceed the data
 * budget, the report coarsens step by step: weeks, then months, then per asset type instead of
 * per asset (the asset picker is then off). Each step is tried only if its row count promises
 * to fit.
 */
import { parseDayRange } from '../calendar.js';
import { assertNotWarehouse, writeTextOutput } from '../outputs.js';
import type { Warehouse } from '../warehouse/connection.js';
import { DASHBOARD_TABLES, withReadableWarehouse } from '../warehouse/open.js';
import { readBundle } from './bundle.js';
import { CHARTS } from './charts.js';
import { Dictionary, encodeCube, type ReportData } from './cube.js';
import { jsonForScript, reportPage } from './html.js';
import { readFacts } from './queries.js';
import { cubeSql, type CubeShape } from './sql.js';
import type { Row } from './types.js';

export const DEFAULT_DATA_BUDGET = 6_000_000;

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
    const { sql, params } = cubeSql(chart, shape, range);
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
  const facts = await readFacts(db, range);
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
      const { sql, params } = cubeSql(chart, shape, range);
      cubes[chart.id] = encodeCube(chart, shape.by, await db.jsonRows<Row>(sql, params), dict);
    }
    data = { generatedAt: meta.refreshedAt, meta, ...shape, strings: dict.strings, cubes };
    if (last || jsonForScript(data).length <= budget) break;
  }
  // Without per-asset cubes the picker has nothing to offer.
  if (data!.by === 'type') data!.meta.assets = [];
  return data!;
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
