/**
 * `--db` names the store: a DuckDB file path, or a PostgreSQL URL (`postgres://` or
 * `postgresql://`). This is the one place that tells them apart, so every command accepts both.
 * Each store's code is loaded only when it is asked for: PostgreSQL's only for a URL, and DuckDB's
 * after the sync has sent its first request (its login travels while DuckDB loads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { OpenOptions, Warehouse } from './connection.js';
import type { Destination } from './destination.js';
import { runQuery, type QueryFormat, type QueryResult } from './query.js';
import { ALL_TABLES, DASHBOARD_TABLES, tablesFor, type StoredName } from './postgres/tables.js';
import { isPostgresUrl } from './postgres/target.js';

export { DASHBOARD_TABLES, isPostgresUrl, tablesFor };

export interface DestinationOptions {
  /** How long to wait while another process holds the store. */
  lockWaitMs?: number;
  /** PostgreSQL: the schema of the contract's tables (default `viewership`). */
  schema?: string;
  /**
   * PostgreSQL: take the one-sync-at-a-time lock (default). A collector's publisher does not:
   * it shares the schema with syncs and other collectors.
   */
  syncLock?: boolean;
}

/** `--schema` names a PostgreSQL schema; a DuckDB file has its own fixed layout. */
function noSchemaForFiles(db: string, schema: string | undefined): void {
  if (schema !== undefined) {
    throw new UsageError(
      `--schema is for PostgreSQL warehouses, and ${db} is a DuckDB file`,
      'Leave --schema out, or give --db a postgres:// URL.',
    );
  }
}

/** A store to sync into, opened for writing. */
export async function openDestination(
  db: string,
  options: DestinationOptions = {},
): Promise<Destination> {
  if (isPostgresUrl(db)) {
    const { pgTarget } = await import('./postgres/target.js');
    const { PostgresDestination } = await import('./postgres/store.js');
    return PostgresDestination.open(pgTarget(db, options.schema), {
      lockWaitMs: options.lockWaitMs ?? 0,
      syncLock: options.syncLock ?? true,
    });
  }
  noSchemaForFiles(db, options.schema);
  const duck: OpenOptions = {
    lockWaitMs: options.lockWaitMs ?? 0,
    // DuckDB's own share stays small: a commit's working set is a few MB (see LoadBatcher).
    lean: true,
    threads: 1,
  };
  const { DuckDBDestination } = await import('./duckdb-store.js');
  return DuckDBDestination.open(db, duck);
}

export interface ReadOptions {
  schema?: string;
  /**
   * PostgreSQL: the tables to copy into the local DuckDB snapshot that is read (default all,
   * `raw` included). A DuckDB file is read as it is.
   */
  tables?: readonly StoredName[];
  /** PostgreSQL: copy `raw` columns too (default true). */
  raw?: boolean;
  /** DuckDB: the user's SQL runs there, with no file access (see connection.ts). */
  sandbox?: boolean;
}

/**
 * Runs `work` on a read-only DuckDB warehouse: the file itself, or for PostgreSQL a private
 * snapshot of the tables asked for (deleted afterwards), so that readers written for DuckDB —
 * export's COPY, the report's cubes — give the same output from either store.
 */
export async function withReadableWarehouse<T>(
  db: string,
  options: ReadOptions,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const { Warehouse } = await import('./connection.js');
  if (!isPostgresUrl(db)) {
    noSchemaForFiles(db, options.schema);
    const { assertWarehouse } = await import('./migrate.js');
    const warehouse = await Warehouse.open(db, {
      readOnly: true,
      lockWaitMs: 2000,
      sandbox: options.sandbox ?? false,
    });
    try {
      await assertWarehouse(warehouse);
      return await work(warehouse);
    } finally {
      warehouse.close();
    }
  }
  const { snapshotPostgres } = await import('./postgres/snapshot.js');
  const dir = mkdtempSync(join(tmpdir(), 'viewership-read-'));
  try {
    const path = join(dir, 'snapshot.duckdb');
    await snapshotPostgres(db, options.schema, path, {
      tables: options.tables ?? ALL_TABLES,
      raw: options.raw ?? true,
    });
    const warehouse = await Warehouse.open(path, { readOnly: true });
    try {
      return await work(warehouse);
    } finally {
      warehouse.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `query`: on DuckDB a read-only connection; on PostgreSQL a READ ONLY transaction there. */
export async function queryWarehouse(
  db: string,
  schema: string | undefined,
  sql: string,
  format: QueryFormat,
): Promise<QueryResult> {
  if (isPostgresUrl(db)) {
    const { runPgQuery } = await import('./postgres/query.js');
    return runPgQuery(db, schema, sql, format);
  }
  return withReadableWarehouse(db, { schema, sandbox: true }, (warehouse) =>
    runQuery(warehouse, sql, format),
  );
}
