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

/**
 * serve's snapshot source on PostgreSQL (the `SnapshotSource` of ../../dashboard/server/snapshot.ts):
 * one connection kept open; the signature is the data version every commit bumps (a cheap
 * query, asked every second), and `produce` copies the tables the dashboard reads into a new local
 * DuckDB file — unless a sync is writing, in which case serve keeps its last snapshot, as with a
 * DuckDB file. The first snapshot is taken even then: MVCC shows the last committed state.
 */
export function postgresSource(
  url: string,
  schema: string | undefined,
): {
  name: string;
  signature(): Promise<string | undefined>;
  produce(target: string): Promise<{ signature: string | undefined } | 'locked'>;
  close(): Promise<void>;
} {
  const target = pgTarget(url, schema);
  let pg: PgConnection | undefined;
  let produced = false;
  /** `work` on the kept connection; one that failed is made anew on the next call. */
  const using = async <T>(work: (pg: PgConnection) => Promise<T>): Promise<T> => {
    try {
      pg ??= await connect(target, 'viewership serve');
      return await work(pg);
    } catch (error) {
      await pg?.close();
      pg = undefined;
      throw error;
    }
  };
  return {
    name: `${target.label} (schema ${target.schema})`,
    signature: () =>
      using(async (db) => {
        await assertPgWarehouse(db, target);
        return dataVersion(db, target);
      }),
    produce: (path) =>
      using((db) =>
        db.transaction(async () => {
          if (produced && (await syncLockHolder(db, target.schema))) return 'locked' as const;
          await assertPgWarehouse(db, target);
          const signature = await dataVersion(db, target);
          await pullInto(db, target, path, { tables: DASHBOARD_TABLES, raw: false });
          produced = true;
          return { signature };
        }, SNAPSHOT_TX),
      ),
    close: async () => {
      await pg?.close();
      pg = undefined;
    },
  };
}
