/**
 * A PostgreSQL warehouse, or some of its tables, copied into a new local DuckDB warehouse file:
 * what the dashboard (`serve`, `report`) and `export` read, so that they run the very SQL and
 * COPY they run on a DuckDB warehouse and give the same answers and files.
 *
 * Each table leaves PostgreSQL as `COPY (SELECT …) TO STDOUT (FORMAT csv)`, every value as text
 * DuckDB casts back exactly (timestamps as ISO-8601 UTC with microseconds, arrays as JSON), into a
 * temporary file that DuckDB's CSV reader loads in one statement. All tables are read in one
 * REPEATABLE READ transaction: one consistent state, even while a sync commits meanwhile.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warehouse } from '../connection.js';
import { sqlString } from '../sql-text.js';
import { specOf } from '../load.js';
import { MASTER_VIEW_SQL } from '../model.js';
import {
  CHECKPOINTS,
  createTableSql,
  INTERNAL_DDL,
  qualified,
  SCHEMA_VERSION,
  TABLES,
  type Column,
  type TableSpec,
} from '../schema.js';
import { VERSION } from '../../version.js';
import { connect, type PgConnection } from './connection.js';
import { assertPgWarehouse, dataVersion, pgTable } from './schema.js';
import { syncLockHolder } from './store.js';
import { DASHBOARD_TABLES, type StoredName } from './tables.js';
import { pgTarget, type PgTarget } from './target.js';

export interface PullOptions {
  tables: readonly StoredName[];
  /**
   * false: `raw` columns are left out (JSON `null`): the dashboard never reads them, and they are
   * most of a warehouse's bytes.
   */
  raw?: boolean;
}

/** A PostgreSQL value as text DuckDB casts back exactly. */
function pgExpression(c: Column, raw: boolean): string {
  if (c.name === 'raw' && !raw) return c.type === 'JSON' ? `'null'` : 'NULL';
  switch (c.type) {
    case 'TIMESTAMPTZ':
      return `to_char(${c.name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'VARCHAR[]':
      return `to_json(${c.name})::text`;
    case 'VARCHAR':
      return c.name;
    default:
      return `${c.name}::text`;
  }
}

function duckExpression(c: Column): string {
  switch (c.type) {
    case 'VARCHAR':
      return c.name;
    case 'VARCHAR[]':
      return `from_json(${c.name}, '["VARCHAR"]')`;
    default:
      return `${c.name}::${c.type}`;
  }
}

/** PostgreSQL → a CSV file of `spec`'s rows, every value as text DuckDB casts back exactly. */
async function copyOut(
  pg: PgConnection,
  target: PgTarget,
  spec: TableSpec,
  file: string,
  raw: boolean,
): Promise<void> {
  const select = spec.columns.map((c) => pgExpression(c, raw)).join(', ');
  await pg.copyOut(
    `COPY (SELECT ${select} FROM ${pgTable(target, spec)}) TO STDOUT (FORMAT csv, NULL '\\N', FORCE_QUOTE *)`,
    createWriteStream(file),
  );
}

/** The CSV file → the DuckDB table, typed; the file is removed. */
async function loadCsv(duck: Warehouse, spec: TableSpec, file: string): Promise<void> {
  const columns = spec.columns.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ');
  // Quoted empty strings stay strings; only the unquoted \N is NULL. Lines may be long (raw).
  const reader = `read_csv(${sqlString(file)}, header = false, delim = ',', quote = '"', escape = '"',
    nullstr = '\\N', allow_quoted_nulls = false, auto_detect = false, columns = {${columns}},
    max_line_size = 100000000, buffer_size = 200000000)`;
  const names = spec.columns.map((c) => c.name).join(', ');
  await duck.run(`INSERT INTO ${qualified(spec)} (${names})
    SELECT ${spec.columns.map(duckExpression).join(', ')} FROM ${reader}`);
  rmSync(file, { force: true });
}

/**
 * The warehouse's schema in a new DuckDB file, as ../migrate.ts creates it, but without the key
 * indexes: a snapshot is only read, its keys are already unique in PostgreSQL, and building
 * DuckDB's index over a million keys would take longer than loading the rows.
 */
async function createSnapshotSchema(duck: Warehouse, target: PgTarget): Promise<void> {
  for (const sql of INTERNAL_DDL) await duck.run(sql);
  const specs: TableSpec[] = [...Object.values(TABLES), ...Object.values(CHECKPOINTS)];
  for (const spec of specs) {
    if (!spec.view) await duck.run(createTableSql({ ...spec, keyIndex: false }));
  }
  await duck.run(MASTER_VIEW_SQL);
  await duck.run(`INSERT INTO viewership.meta VALUES ('schema_version', $1), ('created_by', $2)`, [
    String(SCHEMA_VERSION),
    `viewership ${VERSION}: a snapshot of schema ${target.schema} of ${target.label}`,
  ]);
}

/**
 * Writes a new DuckDB warehouse at `path` holding `tables` as they are in PostgreSQL now (every
 * other table empty). Call inside a REPEATABLE READ transaction on `pg` for one consistent state.
 * PostgreSQL writes the next table's file while DuckDB loads the last one.
 */
export async function pullInto(
  pg: PgConnection,
  target: PgTarget,
  path: string,
  options: PullOptions,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viewership-pull-'));
  const duck = await Warehouse.open(path);
  let loading: Promise<void> = Promise.resolve();
  try {
    await createSnapshotSchema(duck, target);
    for (const name of new Set(options.tables)) {
      const spec = specOf(name);
      const file = join(dir, `${spec.name}.csv`);
      await copyOut(pg, target, spec, file, options.raw ?? true);
      await loading;
      loading = loadCsv(duck, spec, file);
    }
    await loading;
    await duck.run('CHECKPOINT');
  } finally {
    await loading.catch(() => undefined);
    duck.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SNAPSHOT_TX = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * `pullInto` on its own connection: a local DuckDB copy of the warehouse at `url`/`schema`, for
 * one-shot readers (`report`, `export`, tests). Refuses what is not a viewership warehouse.
 */
export async function snapshotPostgres(
  url: string,
  schema: string | undefined,
  path: string,
  options: PullOptions,
): Promise<void> {
  const target = pgTarget(url, schema);
  const pg = await connect(target, 'viewership read');
  try {
    await pg.transaction(async () => {
      await assertPgWarehouse(pg, target);
      await pullInto(pg, target, path, options);
    }, SNAPSHOT_TX);
  } finally {
    await pg.close();
  }
}

export type PgRefresh =
  | { result: 'unchanged' | 'locked'; signature: string | undefined }
  | { result: 'updated'; signature: string };

/**
 * serve's source of snapshots on PostgreSQL: one connection kept open, asked every second
 * whether the data changed (the data version every commit bumps), and a new snapshot file
 * made when it did — unless a sync is writing, in which case the last snapshot stays, as on
 * DuckDB (the first snapshot is taken whatever happens: MVCC shows the last committed state).
 */
export class PostgresSnapshots {
  readonly target: PgTarget;
  private pg: PgConnection | undefined;

  constructor(url: string, schema: string | undefined) {
    this.target = pgTarget(url, schema);
  }

  async refresh(path: string, previous: string | undefined): Promise<PgRefresh> {
    try {
      return await this.tryRefresh(path, previous);
    } catch (error) {
      // A connection that failed is made anew on the next attempt.
      await this.pg?.close();
      this.pg = undefined;
      throw error;
    }
  }

  private async tryRefresh(path: string, previous: string | undefined): Promise<PgRefresh> {
    this.pg ??= await connect(this.target, 'viewership serve');
    const pg = this.pg;
    return pg.transaction(async (): Promise<PgRefresh> => {
      await assertPgWarehouse(pg, this.target);
      const signature = await dataVersion(pg, this.target);
      if (signature === previous) return { result: 'unchanged', signature };
      if (previous !== undefined && (await syncLockHolder(pg, this.target.schema))) {
        return { result: 'locked', signature: previous };
      }
      await pullInto(pg, this.target, path, { tables: DASHBOARD_TABLES, raw: false });
      return { result: 'updated', signature };
    }, SNAPSHOT_TX);
  }

  async close(): Promise<void> {
    await this.pg?.close();
    this.pg = undefined;
  }
}
