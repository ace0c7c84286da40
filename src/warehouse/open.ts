/**
 * `--db` names the store: a DuckDB file path, or a PostgreSQL URL. This is the one place that
 * tells them apart, so every command accepts both.
 */
import type { OpenOptions } from './connection.js';
import type { Destination } from './destination.js';
import { DuckDBDestination } from './duckdb-store.js';

export interface DestinationOptions {
  /** How long to wait while another process holds the store. */
  lockWaitMs?: number;
}

/** A store to sync into, opened for writing. */
export async function openDestination(
  db: string,
  options: DestinationOptions = {},
): Promise<Destination> {
  const duck: OpenOptions = {
    lockWaitMs: options.lockWaitMs ?? 0,
    // DuckDB's own share stays small: a commit's working set is a few MB (see LoadBatcher).
    lean: true,
    threads: 1,
  };
  return DuckDBDestination.open(db, duck);
}
