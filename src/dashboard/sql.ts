/**
 * SQL generated from a chart definition, in the forms the dashboard needs:
 *
 * - **served**: the chart for one filter, straight from its source table (or, for one asset, from
 *   serve's per-snapshot copy of master sorted by asset, where DuckDB skips the other assets);
 * - **aggregate**: a per-snapshot temp table grouped by (day, asset type, the chart's dimensions),
 *   from which `serve` answers a filter without an asset in a few milliseconds on any warehouse;
 * - **served from the aggregate**: the same answer as `served`, re-adding the aggregate's sums;
 * - **cube**: for the report, grouped by (period, asset, the chart's dimensions), no filter: the
 *   browser rolls it up for whatever filter the reader picks.
 *
 * Structure (columns, conditions) comes from the trusted definitions in charts.ts; every value a
 * user chose travels as a bound parameter.
 */
import { assetFiltered, measuresOf, SOURCES, type ChartDef } from './shared/charts.js';
import { dayNumber } from '../calendar.js';
import { ASSET, PERIOD, TYPE } from './shared/cube.js';
import type { Filter, Grain } from './shared/types.js';

export interface Statement {
  sql: string;
  params: Array<string | number>;
}

/** The aggregate's day column; the others are shared with the report's cubes (shared/cube.ts). */
export const DAY = '_day';

export function aggregateTable(chart: ChartDef): string {
  return `temp.main.agg_${chart.id}`;
}

/** Measures as DOUBLE so that JSON answers carry numbers, never BIGINT strings. */
const measureSelect = (chart: ChartDef, expr: (sql: string, name: string) => string) =>
  measuresOf(chart).map((m) => `(${expr(m.sql, m.name)})::DOUBLE AS ${m.name}`);

export class Conditions {
  readonly parts: string[] = [];
  readonly params: Array<string | number> = [];

  add(sql: string, ...values: Array<string | number>): void {
    let text = sql;
    for (const value of values) {
      this.params.push(value);
      const n = this.params.length;
      text = text.replace('?', () => `$${n}`);
    }
    this.parts.push(text);
  }

  where(): string {
    return this.parts.length > 0 ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** Applies the filter to a table whose day number, asset type and asset id are the given SQL. */
function filterConditions(
  chart: ChartDef,
  filter: Filter,
  cols: { day: string; type?: string; asset?: string },
): Conditions {
  const c = new Conditions();
  if (chart.where) c.add(chart.where);
  const from = filter.from === undefined ? undefined : dayNumber(filter.from);
  const to = filter.to === undefined ? undefined : dayNumber(filter.to);
  if (from !== undefined) c.add(`${cols.day} >= ?`, from);
  if (to !== undefined) c.add(`${cols.day} <= ?`, to);
  if (assetFiltered(chart)) {
    if (filter.type !== 'all' && cols.type) c.add(`${cols.type} = ?`, filter.type);
    if (filter.asset !== undefined && cols.asset) c.add(`${cols.asset} = ?`, filter.asset);
  }
  return c;
}

/** The filter on a table with master's columns (master, or serve's copy sorted by asset). */
export function sessionConditions(
  filter: Filter,
  cols: { day?: string; type?: string | undefined } = {},
): Conditions {
  const source = SOURCES.master;
  return filterConditions({ source: 'master', dims: [], measures: [], id: '' }, filter, {
    day: cols.day ?? source.day,
    asset: source.asset!.id,
    ...('type' in cols
      ? cols.type !== undefined && { type: cols.type }
      : { type: source.asset!.type }),
  });
}

const groupBy = (n: number) =>
  n === 0 ? '' : `GROUP BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`;

/**
 * The chart for one filter, from its source table, or from `table` when given: a scope table
 * holding the source's rows for a filter already (see `scopeSql`).
 */
export function servedSql(chart: ChartDef, filter: Filter, table?: string): Statement {
  const source = SOURCES[chart.source];
  const c = filterConditions(chart, filter, {
    day: source.day,
    ...(source.asset && { type: source.asset.type, asset: source.asset.id }),
  });
  const dims = chart.dims.map((d) => `${d.sql} AS ${d.name}`);
  const sql = `SELECT ${[...dims, ...measureSelect(chart, (sql) => sql)].join(', ')}
    FROM ${table ?? source.table} ${c.where()} ${groupBy(dims.length)}`;
  return { sql, params: c.params };
}

export const BY_ASSET_TABLE = 'temp.main.master_by_asset';

/**
 * The master columns the charts read, sorted by asset: a filter on one asset cannot use the
 * aggregates, and in this copy DuckDB's zone maps skip every other asset's rows.
 */
export function byAssetSql(): string {
  const source = SOURCES.master;
  return `CREATE OR REPLACE TEMP TABLE master_by_asset AS
    SELECT ${source.columns!.join(', ')} FROM ${source.table}
    ORDER BY ${source.asset!.id}, ${source.day}`;
}

export const SPANS_BY_ASSET_TABLE = 'temp.main.spans_by_asset';

/**
 * Every play stretch with its session's asset and day, sorted by asset: retention reads one
 * asset's spans without joining a million sessions per question.
 */
export function spansByAssetSql(name = 'spans_by_asset', sessions = BY_ASSET_TABLE): string {
  const source = SOURCES.master;
  return `CREATE OR REPLACE TEMP TABLE ${name} AS
    SELECT m.${source.asset!.id} AS asset_id, ${source.day} AS day,
      w.start_position AS a, w.end_position AS b
    FROM viewership.watch_spans w JOIN ${sessions} m USING (session_id)
    WHERE w.end_position > w.start_position
    ORDER BY asset_id, day`;
}

/**
 * The per-snapshot aggregate: every filter but one asset can be answered from it. `masterTable`:
 * where master's rows are read from (serve reads its sorted copy: master itself is a view that
 * joins sessions with their figures, and fifteen aggregates would join fifteen times).
 */
export function aggregateSql(chart: ChartDef, masterTable = SOURCES.master.table): string {
  const source = SOURCES[chart.source];
  const table = chart.source === 'master' ? masterTable : source.table;
  const keys = [`${source.day} AS ${DAY}`];
  if (source.asset) keys.push(`${source.asset.type} AS ${TYPE}`);
  keys.push(...chart.dims.map((d) => `${d.sql} AS ${d.name}`));
  const where = chart.where ? `WHERE ${chart.where}` : '';
  return `CREATE OR REPLACE TEMP TABLE agg_${chart.id} AS
    SELECT ${[...keys, ...measureSelect(chart, (sql) => sql)].join(', ')}
    FROM ${table} ${where} ${groupBy(keys.length)}`;
}

/** Whether `servedFromAggregateSql` can answer this filter (it has no asset column). */
export function aggregateAnswers(chart: ChartDef, filter: Filter): boolean {
  return filter.asset === undefined || !assetFiltered(chart);
}

export function servedFromAggregateSql(chart: ChartDef, filter: Filter): Statement {
  const source = SOURCES[chart.source];
  // The chart's own condition is already inside the aggregate.
  const c = filterConditions({ ...chart, where: undefined } as ChartDef, filter, {
    day: DAY,
    ...(source.asset && { type: TYPE }),
  });
  const dims = chart.dims.map((d) => d.name);
  const sums = measureSelect(chart, (_sql, name) => `sum(${name})`);
  const sql = `SELECT ${[...dims, ...sums].join(', ')}
    FROM ${aggregateTable(chart)} ${c.where()} ${groupBy(dims.length)}`;
  return { sql, params: c.params };
}

export interface CubeShape {
  grain: Grain;
  /** `asset`: one row per asset, so the report can filter one asset; `type`: only per type. */
  by: 'asset' | 'type';
}

function periodSql(day: string, grain: Grain): string {
  switch (grain) {
    case 'day':
      return day;
    case 'week':
      // The Monday of the week (day 0 was a Thursday).
      return `(${day} - (${day} + 3) % 7)`;
    case 'month':
      return `(date_trunc('month', DATE '1970-01-01' + ${day})::DATE - DATE '1970-01-01')`;
  }
}

/**
 * The report's cube: dimensions of kind `day` are left out, since the period stands for them.
 * `range` limits it to the days the report covers.
 */
export function cubeSql(
  chart: ChartDef,
  shape: CubeShape,
  range: { from?: string; to?: string } = {},
  masterTable = SOURCES.master.table,
): Statement {
  const source = SOURCES[chart.source];
  const table = chart.source === 'master' ? masterTable : source.table;
  const c = filterConditions(chart, { type: 'all', ...range }, { day: source.day });
  const keys = [`${periodSql(source.day, shape.grain)}::INTEGER AS ${PERIOD}`];
  if (source.asset) {
    keys.push(`${source.asset.type} AS ${TYPE}`);
    if (shape.by === 'asset') keys.push(`${source.asset.id} AS ${ASSET}`);
  }
  keys.push(...chart.dims.filter((d) => d.kind !== 'day').map((d) => `${d.sql} AS ${d.name}`));
  const sql = `SELECT ${[...keys, ...measureSelect(chart, (sql) => sql)].join(', ')}
    FROM ${table} ${c.where()} ${groupBy(keys.length)} ORDER BY 1`;
  return { sql, params: c.params };
}
