/**
 * The warehouse's data contract (docs/data-contract.md), as data: every table, its columns, and its key.
 *
 * DDL, the loader's column order, and `export`'s list of tables are all derived from this one
 * description, so a column is added in one place. Timestamps are TIMESTAMPTZ in UTC; every table
 * loaded from the API keeps the untouched API object in `raw`.
 *
 * Internal bookkeeping (checkpoints, schema version) lives in the separate `viewership` schema so
 * that `main` holds only what users query.
 */

/** A row by column name; TIMESTAMPTZ values are microseconds since the epoch, DATEs are days. */
export type Row = Record<string, string | number | boolean | bigint | string[] | null>;

export type AssetType = 'video' | 'live_stream';

export type ColumnType =
  | 'VARCHAR'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DATE'
  | 'TIMESTAMPTZ'
  | 'JSON'
  | 'VARCHAR[]';

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
}

export interface TableSpec {
  name: string;
  /** `main` (default) for the contract's tables, `viewership` for internal bookkeeping. */
  schema?: 'main' | 'viewership';
  columns: Column[];
  key: string[];
  /** For partitioned exports: the timestamp column that decides a row's day. */
  dayColumn?: string;
  /** A view computed from other tables, not a stored table (see master). */
  view?: true;
  /**
   * false: the key is kept unique by how the table is loaded, not by a PRIMARY KEY index.
   * Used where an index would cost more memory than a sync can spare (see session_events).
   */
  keyIndex?: false;
  description: string;
}

const col = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

/** Columns every catalog table carries to remember assets the API no longer lists. */
const seenColumns = [
  col('first_seen_at', 'TIMESTAMPTZ', true),
  col('last_seen_at', 'TIMESTAMPTZ', true),
  col('gone_at', 'TIMESTAMPTZ'),
];

export const SESSION_COLUMNS: Column[] = [
  col('session_id', 'VARCHAR', true),
  col('asset_type', 'VARCHAR', true),
  col('asset_id', 'VARCHAR', true),
  col('asset_title', 'VARCHAR'),
  // The spec does not require it: a session the API sends without one is kept, undated.
  col('loaded_at', 'TIMESTAMPTZ'),
  col('ended_at', 'TIMESTAMPTZ'),
  col('country', 'VARCHAR'),
  col('country_code', 'VARCHAR'),
  col('city', 'VARCHAR'),
  col('referrer_url', 'VARCHAR'),
  col('referrer_medium', 'VARCHAR'),
  col('referrer_source', 'VARCHAR'),
  col('referrer_search_term', 'VARCHAR'),
  col('device_type', 'VARCHAR'),
  col('device_vendor', 'VARCHAR'),
  col('device_model', 'VARCHAR'),
  col('os_name', 'VARCHAR'),
  col('os_shortname', 'VARCHAR'),
  col('os_version', 'VARCHAR'),
  col('client_type', 'VARCHAR'),
  col('client_name', 'VARCHAR'),
  col('client_version', 'VARCHAR'),
  col('raw', 'JSON', true),
  // Added by schema 2, hence after `raw`: a migrated warehouse has them in the same place.
  /** Where the row came from: `api` (sync) or `collector` (viewership collect). */
  col('source', 'VARCHAR'),
  /** When the API answered 404 for the session's own route: it is gone, its history stays. */
  col('gone_at', 'TIMESTAMPTZ'),
];

export const MASTER_METRIC_COLUMNS: Column[] = [
  col('event_count', 'INTEGER', true),
  col('play_count', 'INTEGER', true),
  col('pause_count', 'INTEGER', true),
  col('resume_count', 'INTEGER', true),
  col('seek_count', 'INTEGER', true),
  col('ended', 'BOOLEAN', true),
  col('watch_seconds', 'DOUBLE', true),
  col('max_position', 'DOUBLE'),
];

export const TABLES = {
  videos: {
    name: 'videos',
    description: 'Every video the account has listed, including ones since deleted (gone_at set).',
    key: ['video_id'],
    columns: [
      col('video_id', 'VARCHAR', true),
      col('title', 'VARCHAR'),
      col('description', 'VARCHAR'),
      col('public', 'BOOLEAN'),
      col('panoramic', 'BOOLEAN'),
      col('mp4_support', 'BOOLEAN'),
      col('player_id', 'VARCHAR'),
      col('tags', 'VARCHAR[]'),
      col('metadata', 'JSON'),
      col('published_at', 'TIMESTAMPTZ'),
      col('created_at', 'TIMESTAMPTZ'),
      col('updated_at', 'TIMESTAMPTZ'),
      ...seenColumns,
      col('raw', 'JSON', true),
    ],
  },
  live_streams: {
    name: 'live_streams',
    description: 'Every live stream the account has listed, including ones since deleted.',
    key: ['live_stream_id'],
    columns: [
      col('live_stream_id', 'VARCHAR', true),
      col('name', 'VARCHAR'),
      col('public', 'BOOLEAN'),
      col('broadcasting', 'BOOLEAN'),
      col('player_id', 'VARCHAR'),
      col('created_at', 'TIMESTAMPTZ'),
      col('updated_at', 'TIMESTAMPTZ'),
      ...seenColumns,
      col('raw', 'JSON', true),
    ],
  },
  players: {
    name: 'players',
    description: 'Every player the account has listed, including ones since deleted.',
    key: ['player_id'],
    columns: [
      col('player_id', 'VARCHAR', true),
      col('created_at', 'TIMESTAMPTZ'),
      col('updated_at', 'TIMESTAMPTZ'),
      ...seenColumns,
      col('raw', 'JSON', true),
    ],
  },
  sessions: {
    name: 'sessions',
    description:
      'One row per player session of a video or live stream, flattened, with the asset title and type.',
    key: ['session_id'],
    // Kept unique by the loader, which splits new sessions from known ones before writing. A key
    // index would stay in DuckDB's memory (9 to 14 MB per 100,000 sessions) and be written again
    // whole at every checkpoint that adds a session: 25 of the 40 ms a re-sync spent closing.
    keyIndex: false,
    dayColumn: 'loaded_at',
    columns: SESSION_COLUMNS,
  },
  session_events: {
    name: 'session_events',
    description: "Every player event of every session, in the API's order (seq, from 0).",
    key: ['session_id', 'seq'],
    // A session's events are only ever replaced whole (delete, then insert), which keeps
    // (session_id, seq) unique without an index; an ART index on millions of events would hold
    // about 60 MB per million in memory during a sync.
    keyIndex: false,
    dayColumn: 'emitted_at',
    columns: [
      col('session_id', 'VARCHAR', true),
      col('seq', 'INTEGER', true),
      // Neither is required by the spec: an event the API sends without them is kept.
      col('type', 'VARCHAR'),
      col('emitted_at', 'TIMESTAMPTZ'),
      col('at_position', 'DOUBLE'),
      col('from_position', 'DOUBLE'),
      col('to_position', 'DOUBLE'),
      col('raw', 'JSON', true),
    ],
  },
  master: {
    name: 'master',
    description: 'One row per session: every sessions column plus what its events add up to.',
    key: ['session_id'],
    // sessions joined with each session's figures (computed as its events are loaded): always
    // current, never a second copy of every session to keep in step.
    view: true,
    dayColumn: 'loaded_at',
    columns: [...SESSION_COLUMNS, ...MASTER_METRIC_COLUMNS],
  },
  metric_timeseries: {
    name: 'metric_timeseries',
    description:
      'Analytics API time series, one row per metric and bucket; daily aggregates of /data/metrics are stored as metric "<metric>.<aggregation>".',
    key: ['metric', 'interval', 'bucket_start'],
    dayColumn: 'bucket_start',
    columns: [
      col('metric', 'VARCHAR', true),
      col('interval', 'VARCHAR', true),
      col('bucket_start', 'TIMESTAMPTZ', true),
      col('value', 'DOUBLE'),
      col('fetched_at', 'TIMESTAMPTZ', true),
      col('raw', 'JSON', true),
    ],
  },
  metric_breakdowns: {
    name: 'metric_breakdowns',
    description: 'Analytics API breakdowns, one row per metric, dimension value and UTC day.',
    key: ['day', 'metric', 'breakdown', 'dimension_value'],
    // A day's breakdown is replaced whole (delete, then insert): unique without an index, which
    // every checkpoint would write again.
    keyIndex: false,
    columns: [
      col('day', 'DATE', true),
      col('metric', 'VARCHAR', true),
      col('breakdown', 'VARCHAR', true),
      col('dimension_value', 'VARCHAR', true),
      col('value', 'DOUBLE'),
      col('fetched_at', 'TIMESTAMPTZ', true),
      col('raw', 'JSON', true),
    ],
  },
  sync_runs: {
    name: 'sync_runs',
    description: 'One row per sync run: when, how it ended, what it cost and what it added.',
    key: ['run_id'],
    columns: [
      col('run_id', 'INTEGER', true),
      col('started_at', 'TIMESTAMPTZ', true),
      col('finished_at', 'TIMESTAMPTZ'),
      col('status', 'VARCHAR', true),
      col('base_url', 'VARCHAR', true),
      col('from_day', 'DATE'),
      col('to_day', 'DATE'),
      col('requests', 'BIGINT', true),
      col('retries', 'BIGINT', true),
      col('rate_limited', 'BIGINT', true),
      col('rows_added', 'BIGINT', true),
      col('rows_added_by_table', 'JSON'),
      col('missing_generations', 'VARCHAR[]'),
      col('error', 'VARCHAR'),
      col('warnings', 'VARCHAR[]'),
      col('rejected', 'BIGINT'),
      col('skipped', 'JSON'),
    ],
  },
  rejects: {
    name: 'rejects',
    description:
      'What the API sent that could not be read: one row per item or answer, with why and the body as sent.',
    key: ['run_id', 'seq'],
    dayColumn: 'rejected_at',
    columns: [
      col('run_id', 'INTEGER', true),
      col('seq', 'INTEGER', true),
      col('rejected_at', 'TIMESTAMPTZ', true),
      col('endpoint', 'VARCHAR', true),
      col('request', 'JSON', true),
      col('reason', 'VARCHAR', true),
      // Text, not JSON: an answer that could not be read may not be JSON at all.
      col('raw', 'VARCHAR'),
    ],
  },
} satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(TABLES, name);
}

/** DDL of a stored table (views are created by the model, see MASTER_VIEW_SQL). */
export function createTableSql(spec: TableSpec): string {
  const columns = spec.columns.map((c) => `  ${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  if (spec.keyIndex !== false) columns.push(`  PRIMARY KEY (${spec.key.join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${qualified(spec)} (\n${columns.join(',\n')}\n)`;
}

export function qualified(spec: TableSpec): string {
  return `${spec.schema ?? 'main'}.${spec.name}`;
}

/** Bumped when a migration is added; stored in viewership.meta. */
export const SCHEMA_VERSION = 3;

/**
 * Checkpoints of incremental sync, in the `viewership` schema, apart from the contract's tables.
 * They are loaded like any table, in the same transaction as the rows they vouch for.
 */
export const CHECKPOINTS = {
  // An asset's sessions have been listed, every page, for every day of [synced_from, synced_through],
  // the last time at listed_at.
  asset_checkpoints: {
    name: 'asset_checkpoints',
    schema: 'viewership',
    description: 'Days whose sessions have been listed, per asset.',
    key: ['asset_type', 'asset_id'],
    columns: [
      col('asset_type', 'VARCHAR', true),
      col('asset_id', 'VARCHAR', true),
      col('synced_from', 'DATE', true),
      col('synced_through', 'DATE', true),
      col('listed_at', 'TIMESTAMPTZ', true),
    ],
  },
  // Every event page of a session is stored; `final` when the session had ended by then.
  session_checkpoints: {
    name: 'session_checkpoints',
    schema: 'viewership',
    description: 'Sessions whose events are stored.',
    key: ['session_id'],
    // Replaced per session by the loader: unique without an index's memory (one entry per session).
    keyIndex: false,
    columns: [
      col('session_id', 'VARCHAR', true),
      col('event_count', 'INTEGER', true),
      col('final', 'BOOLEAN', true),
      col('fetched_at', 'TIMESTAMPTZ', true),
    ],
  },
  // What each session's events add up to (master's figures), computed as its events are loaded.
  session_stats: {
    name: 'session_stats',
    schema: 'viewership',
    description: 'Per-session figures of the events, kept beside master.',
    key: ['session_id'],
    keyIndex: false,
    columns: [col('session_id', 'VARCHAR', true), ...MASTER_METRIC_COLUMNS],
  },
  // Where each session watched (see figures.ts): audience retention is drawn from these.
  watch_spans: {
    name: 'watch_spans',
    schema: 'viewership',
    description: 'Per session, the merged stretches of the video it played, by position.',
    key: ['session_id', 'start_position'],
    // Replaced whole per session, like session_events: unique without an index's memory.
    keyIndex: false,
    columns: [
      col('session_id', 'VARCHAR', true),
      col('start_position', 'DOUBLE', true),
      col('end_position', 'DOUBLE', true),
    ],
  },
  // A part of a day's Analytics API data is stored; `final` once the day was safely over.
  metric_checkpoints: {
    name: 'metric_checkpoints',
    schema: 'viewership',
    description: 'Days of Analytics API data stored.',
    key: ['day', 'part'],
    columns: [
      col('day', 'DATE', true),
      col('part', 'VARCHAR', true),
      col('final', 'BOOLEAN', true),
      col('fetched_at', 'TIMESTAMPTZ', true),
    ],
  },
} satisfies Record<string, TableSpec>;

export type CheckpointName = keyof typeof CHECKPOINTS;

export const INTERNAL_DDL = [
  `CREATE SCHEMA IF NOT EXISTS viewership`,
  `CREATE TABLE IF NOT EXISTS viewership.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
];
