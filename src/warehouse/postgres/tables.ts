/** Which stored tables a local DuckDB snapshot of a PostgreSQL warehouse holds, by purpose. */
import {
  CHECKPOINTS,
  TABLES,
  type CheckpointName,
  type TableName,
  type TableSpec,
} from '../schema.js';

/** A stored table of the contract, or a checkpoint. */
export type StoredName = TableName | CheckpointName;

/**
 * What the dashboard reads: master (sessions and their figures), a session's events (its
 * timeline), spans (retention), catalog, metrics, runs.
 */
export const DASHBOARD_TABLES: readonly StoredName[] = [
  'videos',
  'live_streams',
  'players',
  'sessions',
  'session_stats',
  'session_events',
  'watch_spans',
  'metric_timeseries',
  'metric_breakdowns',
  'sync_runs',
];

/** Every stored table and checkpoint (master is a view over them). */
export const ALL_TABLES: readonly StoredName[] = [
  ...(Object.values(TABLES) as TableSpec[]).filter((s) => !s.view).map((s) => s.name as StoredName),
  ...(Object.keys(CHECKPOINTS) as CheckpointName[]),
];

/** The stored tables a table or view is made of: what a snapshot needs to export it. */
export function tablesFor(name: TableName): StoredName[] {
  return name === 'master' ? ['sessions', 'session_stats'] : [name];
}
