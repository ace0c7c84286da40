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
import { Warehouse, sqlString } from '../connection.js';
import { specOf } from '../load.js';
import { ensureSchema } from '../migrate.js';
import { qualified, type Column, type TableSpec } from '../schema.js';
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

/** Copies one table: PostgreSQL → CSV file → DuckDB. Returns the rows copied. */
async function pullTable(
  pg: PgConnection,
  target: PgTarget,
  duck: Warehouse,
  spec: TableSpec,
  dir: string,
  raw: boolean,
): Promise<number> {
  const file = join(dir, `${spec.name}.csv`);
  const select = spec.columns.map((c) => pgExpression(c, raw)).join(', ');
  await pg.copyOut(
    `COPY (SELECT ${select} FROM ${pgTable(target, spec)}) TO STDOUT (FORMAT csv, NULL '\\N', FORCE_QUOTE *)`,
    createWriteStream(file),
  );
  const columns = spec.columns.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ');
  const reader = `read_csv(${sqlString(file)}, header = false, delim = ',', quote = '"', escape = '"',
    nullstr = '\\N', allow_quoted_nulls = false, auto_detect = false, columns = {${columns}},
    max_line_size = 100000000, buffer_size = 200000000)`;
  const names = spec.columns.map((c) => c.name).join(', ');
  await duck.run(`INSERT INTO ${qualified(spec)} (${names})
    SELECT ${spec.columns.map(duckExpression).join(', ')} FROM ${reader}`);
  rmSync(file, { force: true });
  return Number(await duck.scalar<bigint>(`SELECT count(*) FROM ${qualified(spec)}`));
}

/**
 * Writes a new DuckDB warehouse at `path` holding `tables` as they are in PostgreSQL now (every
 * other table empty). Call inside a REPEATABLE READ transaction on `pg` for one consistent state.
 */
export async function pullInto(
  pg: PgConnection,
  target: PgTarget,
  path: string,
  options: PullOptions,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viewership-pull-'));
  const duck = await Warehouse.open(path);
  try {
    await ensureSchema(duck);
    await duck.transaction(async () => {
      for (const name of new Set(options.tables)) {
        await pullTable(pg, target, duck, specOf(name), dir, options.raw ?? true);
      }
    });
    await duck.run('CHECKPOINT');
  } finally {
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
