/**
 * The data contract in PostgreSQL, and its version: the same tables, columns and keys as in
 * DuckDB (../schema.ts is the one description of them), in two schemas:
 *
 * - `<schema>` (default `viewership`): the contract's tables and the `master` view — what BI
 *   tools, notebooks and `query` read;
 * - `<schema>_internal`: checkpoints, the figures behind master, and `meta` (schema version).
 *
 * Types: TIMESTAMPTZ → timestamptz (UTC), JSON → jsonb, VARCHAR[] → text[], DOUBLE → double
 * precision, VARCHAR → text. Every table has its key as PRIMARY KEY (session_events included:
 * PostgreSQL keeps its indexes on disk, so the memory reason DuckDB has to leave it out does not
 * apply, and the loader's deletes need it).
 *
 * The same discipline as ../migrate.ts: a schema holding other tables is refused, one written by
 * a newer viewership is refused before anything changes, an older one is migrated by `sync`,
 * one step per transaction. PostgreSQL warehouses start at schema 2, so MIGRATIONS is empty
 * until schema 3.
 */
import { UsageError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { masterViewSql } from '../model.js';
import {
  CHECKPOINTS,
  SCHEMA_VERSION,
  TABLES,
  type Column,
  type ColumnType,
  type TableSpec,
} from '../schema.js';
import type { PgConnection } from './connection.js';
import { DEFAULT_SCHEMA, ident, type PgTarget } from './target.js';

export const PG_TYPES: Record<ColumnType, string> = {
  VARCHAR: 'text',
  BOOLEAN: 'boolean',
  INTEGER: 'integer',
  BIGINT: 'bigint',
  DOUBLE: 'double precision',
  DATE: 'date',
  TIMESTAMPTZ: 'timestamptz',
  JSON: 'jsonb',
  'VARCHAR[]': 'text[]',
};

/** `"schema".name` of a contract table or checkpoint. */
export function pgTable(target: PgTarget, spec: TableSpec): string {
  return `${ident(spec.schema === 'viewership' ? target.internal : target.schema)}.${ident(spec.name)}`;
}

/**
 * A column's type. Text keys (ids) compare byte by byte (COLLATE "C"), as in DuckDB: the same
 * order in both, and index upkeep without locale-aware comparisons.
 */
export function pgColumnType(spec: TableSpec, c: Column): string {
  const id = c.type === 'VARCHAR' && spec.key.includes(c.name);
  return `${PG_TYPES[c.type]}${id ? ' COLLATE "C"' : ''}`;
}

export function createTablePg(target: PgTarget, spec: TableSpec): string {
  const columns = spec.columns.map(
    (c) => `  ${c.name} ${pgColumnType(spec, c)}${c.notNull ? ' NOT NULL' : ''}`,
  );
  columns.push(`  PRIMARY KEY (${spec.key.join(', ')})`);
  return `CREATE TABLE ${pgTable(target, spec)} (\n${columns.join(',\n')}\n)`;
}

/** Every stored table of the contract and every checkpoint, in creation order. */
export const STORED_SPECS: TableSpec[] = [
  ...Object.values(TABLES).filter((s: TableSpec) => !s.view),
  ...Object.values(CHECKPOINTS),
];

function ddl(target: PgTarget): string[] {
  const contract = ident(target.schema);
  const internal = ident(target.internal);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${contract}`,
    `CREATE SCHEMA IF NOT EXISTS ${internal}`,
    `CREATE TABLE ${internal}.meta (key text PRIMARY KEY, value text)`,
    ...STORED_SPECS.map((spec) => createTablePg(target, spec)),
    // BI tools filter sessions by time (Grafana's $__timeFilter, Metabase's date filters).
    `CREATE INDEX ON ${contract}.sessions (loaded_at)`,
    masterViewSql(contract, internal),
    `COMMENT ON SCHEMA ${contract} IS 'viewership: api.video analytics (tables of the data contract)'`,
    `COMMENT ON SCHEMA ${internal} IS 'viewership bookkeeping for ${target.schema}: checkpoints, figures behind master, schema version'`,
    ...Object.values(TABLES).map(
      (spec: TableSpec) =>
        `COMMENT ON ${spec.view ? 'VIEW' : 'TABLE'} ${contract}.${ident(spec.name)} IS ${literal(spec.description)}`,
    ),
  ];
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

interface Migration {
  to: number;
  describe: string;
  up(db: PgConnection, target: PgTarget): Promise<void>;
}

/** Steps from one schema version to the next, oldest first (PostgreSQL starts at 2). */
const MIGRATIONS: Migration[] = [
  {
    to: 3,
    // Schema 3 drops two key indexes DuckDB paid for at every checkpoint; PostgreSQL keeps its keys.
    describe: 'no change in PostgreSQL',
    async up() {},
  },
];

/** The stored schema version; undefined when there is no viewership bookkeeping at all. */
export async function storedVersion(
  db: PgConnection,
  target: PgTarget,
): Promise<number | undefined> {
  const meta = await db.scalar<string | null>(`SELECT to_regclass($1)::text`, [
    `${ident(target.internal)}.meta`,
  ]);
  if (meta === null) return undefined;
  const value = await db.scalar<string | null>(
    `SELECT value FROM ${ident(target.internal)}.meta WHERE key = 'schema_version'`,
  );
  return Number(value);
}

/** Tables, views and other relations in either schema (0 when neither exists). */
async function relationsIn(db: PgConnection, target: PgTarget): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ($1, $2) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
     ORDER BY 1 LIMIT 3`,
    [target.schema, target.internal],
  );
  return rows.map((r) => r.name);
}

function where(target: PgTarget): string {
  return `schema ${target.schema} of ${target.label}`;
}

function foreign(target: PgTarget, tables: string[]): UsageError {
  return new UsageError(
    `${where(target)} holds other tables (${tables.join(', ')}…), not a viewership warehouse`,
    `Pick a schema of viewership's own with --schema NAME (default ${DEFAULT_SCHEMA}); nothing was changed.`,
  );
}

function newer(target: PgTarget, version: number): UsageError {
  return new UsageError(
    `${where(target)} was written by a newer viewership (schema ${version}; this one knows ${SCHEMA_VERSION})`,
    'Upgrade viewership to use it; nothing was changed.',
  );
}

async function create(db: PgConnection, target: PgTarget): Promise<void> {
  await db.transaction(async () => {
    for (const sql of ddl(target)) await db.run(sql);
    await db.run(
      `INSERT INTO ${ident(target.internal)}.meta VALUES ('schema_version', $1), ('created_by', $2), ('data_version', '0')`,
      [String(SCHEMA_VERSION), `viewership ${VERSION}`],
    );
  });
}

/**
 * For writers (sync): creates or migrates the two schemas; returns the steps taken. Call while
 * holding the sync lock, so no other viewership process creates or migrates them meanwhile.
 */
export async function ensurePgSchema(db: PgConnection, target: PgTarget): Promise<string[]> {
  const version = await storedVersion(db, target);
  if (version === undefined) {
    const others = await relationsIn(db, target);
    if (others.length > 0) throw foreign(target, others);
    await create(db, target);
    return [];
  }
  if (!Number.isInteger(version) || version < 2) throw foreign(target, [`${target.internal}.meta`]);
  if (version > SCHEMA_VERSION) throw newer(target, version);
  const done: string[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.to <= version) continue;
    await db.transaction(async () => {
      await migration.up(db, target);
      await db.run(
        `UPDATE ${ident(target.internal)}.meta SET value = $1 WHERE key = 'schema_version'`,
        [String(migration.to)],
      );
    });
    done.push(`schema ${migration.to}: ${migration.describe}`);
  }
  return done;
}

/** For readers (query, export, serve, report): a warehouse at this version, or the fix. */
export async function assertPgWarehouse(db: PgConnection, target: PgTarget): Promise<void> {
  const version = await storedVersion(db, target);
  if (version === undefined) {
    const others = await relationsIn(db, target);
    if (others.length > 0) throw foreign(target, others);
    throw new UsageError(
      `there is no viewership warehouse in ${where(target)}`,
      `Create it with: viewership sync --db ${target.label} --schema ${target.schema}`,
    );
  }
  if (!Number.isInteger(version) || version < 2) throw foreign(target, [`${target.internal}.meta`]);
  if (version > SCHEMA_VERSION) throw newer(target, version);
  if (version < SCHEMA_VERSION) {
    throw new UsageError(
      `${where(target)} was written by an older viewership (schema ${version}; this one reads ${SCHEMA_VERSION})`,
      `Upgrade it with: viewership sync --db ${target.label} --schema ${target.schema}`,
    );
  }
}

/** Bumped by every commit: what serve watches to know the data changed. */
export async function dataVersion(db: PgConnection, target: PgTarget): Promise<string> {
  return (
    (await db.scalar<string | null>(
      `SELECT value FROM ${ident(target.internal)}.meta WHERE key = 'data_version'`,
    )) ?? '0'
  );
}
