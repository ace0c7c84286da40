/**
 * Every query behind the dashboard's and the report's charts, as data: which table it reads, the
 * dimensions it groups by, and the additive measures (counts and sums) it adds up. What the page
 * shows of them (titles, sections, order) is listed once, in ./page.ts.
 *
 * Only counts and sums are stored because they roll up: the report's browser code can add cube
 * rows together for any filter and get exactly what `serve` computes, and averages and rates are
 * divided out at display time. src/dashboard/sql.ts turns a definition into SQL; this module is
 * also bundled into the browser (for roll-up and labels), so it imports nothing from Node.
 */

export type SourceName = 'master' | 'timeseries' | 'breakdowns';

/** How a dimension's values travel: days as day numbers in cubes, ISO dates in answers. */
export type DimKind = 'day' | 'text' | 'int';

export interface Dim {
  name: string;
  /** SQL over the source table; trusted text from this file, never user input. */
  sql: string;
  kind: DimKind;
}

export interface Measure {
  name: string;
  sql: string;
}

export interface Source {
  table: string;
  /** The row's UTC day as a day number (days since 1970-01-01), computed without time zones. */
  day: string;
  /** Columns an asset-type / asset filter applies to; absent when the table is account-wide. */
  asset?: { type: string; id: string };
  /** Every column the charts and the session explorer read (serve keeps a copy of them sorted by asset). */
  columns?: string[];
  measures: Measure[];
}

export interface TopRule {
  n: number;
  /** Keeps the union of the top `n` by each of these measures. */
  by: string[];
  /** Folds the rest into one row flagged `other` (its dimensions null). */
  other?: boolean;
}

export interface ChartDef {
  id: string;
  source: SourceName;
  dims: Dim[];
  measures: string[];
  /** A fixed condition of the chart itself (trusted SQL from this file). */
  where?: string;
  top?: TopRule;
}

// Day arithmetic on the epoch: TIMESTAMPTZ → date in a time zone costs ICU work per row,
// and the session tables are in UTC by contract anyway.
const US_PER_DAY = 86_400_000_000;
const US_PER_HOUR = 3_600_000_000;
const LOADED_US = 'epoch_us(loaded_at)';

export const SOURCES: Record<SourceName, Source> = {
  master: {
    table: 'main.master',
    day: `(${LOADED_US} // ${US_PER_DAY})::INTEGER`,
    asset: { type: 'asset_type', id: 'asset_id' },
    columns: [
      'session_id',
      'asset_type',
      'asset_id',
      'asset_title',
      'loaded_at',
      'ended_at',
      'country',
      'country_code',
      'city',
      'device_type',
      'os_name',
      'client_name',
      'referrer_source',
      'referrer_medium',
      'watch_seconds',
      'ended',
      'play_count',
      'max_position',
      'event_count',
    ],
    measures: [
      { name: 'sessions', sql: 'count(*)' },
      { name: 'watch', sql: 'sum(watch_seconds)' },
      { name: 'ended', sql: 'count_if(ended)' },
      { name: 'played', sql: 'count_if(play_count > 0)' },
    ],
  },
  timeseries: {
    table: 'main.metric_timeseries',
    day: `(epoch_us(bucket_start) // ${US_PER_DAY})::INTEGER`,
    measures: [{ name: 'value', sql: 'sum(value)' }],
  },
  breakdowns: {
    table: 'main.metric_breakdowns',
    day: `(day - DATE '1970-01-01')::INTEGER`,
    measures: [{ name: 'value', sql: 'sum(value)' }],
  },
};

/** Bin edges in seconds, shared by the watch-time and position histograms. */
export const SECOND_BINS = [0, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] as const;

/** bin i holds [edge i, edge i+1); the last bin is open; NULL stays NULL. */
function binSql(column: string): string {
  const cases = SECOND_BINS.slice(1).map((edge, i) => `WHEN ${column} < ${edge} THEN ${i}`);
  return `CASE WHEN ${column} IS NULL THEN NULL ${cases.join(' ')} ELSE ${SECOND_BINS.length - 1} END`;
}

/** The Analytics API's counts that add up over days (averages and rates do not). */
export const API_METRICS = ['play', 'view', 'impression'] as const;
const apiMetricList = API_METRICS.map((m) => `'${m}'`).join(', ');

const dim = (name: string, sql: string = name, kind: DimKind = 'text'): Dim => ({
  name,
  sql,
  kind,
});
const DAY_DIM = (source: SourceName): Dim => ({
  name: 'day',
  sql: SOURCES[source].day,
  kind: 'day',
});

const categorical = (id: string, column: string, n: number): ChartDef => ({
  id,
  source: 'master',
  dims: [dim(column)],
  measures: ['sessions', 'watch'],
  top: { n, by: ['sessions'], other: true },
});

export const CHARTS: ChartDef[] = [
  {
    id: 'totals',
    source: 'master',
    dims: [],
    measures: ['sessions', 'watch', 'ended', 'played'],
  },
  {
    id: 'daily',
    source: 'master',
    dims: [DAY_DIM('master'), dim('asset_type')],
    measures: ['sessions', 'watch'],
  },
  {
    id: 'countries',
    source: 'master',
    dims: [dim('country_code')],
    measures: ['sessions', 'watch'],
  },
  {
    id: 'countries_live',
    source: 'master',
    dims: [dim('country_code')],
    measures: ['sessions', 'watch'],
    where: `asset_type = 'live_stream'`,
  },
  {
    id: 'cities',
    source: 'master',
    dims: [dim('city'), dim('country_code')],
    measures: ['sessions', 'watch'],
    top: { n: 10, by: ['sessions'], other: true },
  },
  {
    id: 'assets',
    source: 'master',
    dims: [dim('asset_type'), dim('asset_id')],
    measures: ['sessions', 'watch'],
    top: { n: 10, by: ['sessions', 'watch'] },
  },
  categorical('devices', 'device_type', 8),
  categorical('os', 'os_name', 8),
  categorical('browsers', 'client_name', 8),
  categorical('referrer_sources', 'referrer_source', 10),
  categorical('referrer_mediums', 'referrer_medium', 8),
  {
    id: 'hours',
    source: 'master',
    dims: [
      // ISO weekday, 1 = Monday: day 0 (1970-01-01) was a Thursday.
      dim('weekday', `((${LOADED_US} // ${US_PER_DAY} + 3) % 7 + 1)::INTEGER`, 'int'),
      dim('hour', `(${LOADED_US} // ${US_PER_HOUR} % 24)::INTEGER`, 'int'),
    ],
    measures: ['sessions'],
  },
  {
    id: 'watch_bins',
    source: 'master',
    dims: [dim('bin', binSql('watch_seconds'), 'int')],
    measures: ['sessions'],
  },
  {
    id: 'position_bins',
    source: 'master',
    dims: [dim('bin', binSql('max_position'), 'int')],
    measures: ['sessions'],
  },
  {
    id: 'api_daily',
    source: 'timeseries',
    dims: [DAY_DIM('timeseries'), dim('metric')],
    measures: ['value'],
    where: `interval = 'day' AND metric IN (${apiMetricList})`,
  },
  {
    id: 'api_countries',
    source: 'breakdowns',
    dims: [dim('metric'), dim('dimension_value')],
    measures: ['value'],
    where: `breakdown = 'country' AND metric IN (${apiMetricList})`,
  },
  {
    id: 'api_devices',
    source: 'breakdowns',
    dims: [dim('metric'), dim('dimension_value')],
    measures: ['value'],
    where: `breakdown = 'device-type' AND metric IN (${apiMetricList})`,
  },
];

export function chartById(id: string): ChartDef {
  const chart = CHARTS.find((c) => c.id === id);
  if (!chart) throw new Error(`no chart ${id}`);
  return chart;
}

export function measuresOf(chart: ChartDef): Measure[] {
  const all = SOURCES[chart.source].measures;
  return chart.measures.map((name) => {
    const measure = all.find((m) => m.name === name);
    if (!measure) throw new Error(`chart ${chart.id}: no measure ${name} on ${chart.source}`);
    return measure;
  });
}

/** Whether the asset-type and asset filters apply to a chart (the Analytics API's are account-wide). */
export function assetFiltered(chart: ChartDef): boolean {
  return SOURCES[chart.source].asset !== undefined;
}
