/**
 * The warehouse's schema version, in DuckDB: created on first use, migrated forward by a writer,
 * checked by every command before it reads or writes anything.
 *
 * A DuckDB file that holds other tables but no viewership bookkeeping is someone else's database:
 * it is refused rather than written into. A warehouse written by a newer viewership is refused
 * before anything is changed. One written by an older one is migrated by `sync` and `migrate`
 * (each step in one transaction, so a failure leaves it as it was); read-only commands ask for that.
 */
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Warehouse } from './connection.js';
import { MASTER_VIEW_SQL, recomputeFigures } from './model.js';
import {
  CHECKPOINTS,
  createTableSql,
  INTERNAL_DDL,
  SCHEMA_VERSION,
  TABLES,
  type TableSpec,
} from './schema.js';

interface Migration {
  /** The version it brings a warehouse to. */
  to: number;
  describe: string;
  up(db: Warehouse): Promise<void>;
}

const MIGRATIONS: Migration[] = [
  {
    to: 2,
    describe: 'rejects, run warnings, session source and gone marks, watch spans',
    async up(db) {
      // A view depends on sessions: DuckDB alters a table only once nothing depends on it.
      await db.run('DROP VIEW IF EXISTS main.master');
      await db.run('ALTER TABLE main.sessions ALTER COLUMN loaded_at DROP NOT NULL');
      await db.run('ALTER TABLE main.session_events ALTER COLUMN type DROP NOT NULL');
      await db.run('ALTER TABLE main.session_events ALTER COLUMN emitted_at DROP NOT NULL');
      // Every session so far came from the API. (An UPDATE after an ALTER in one transaction is
      // refused by DuckDB, so the default fills them.)
      await db.run(`ALTER TABLE main.sessions ADD COLUMN source VARCHAR DEFAULT 'api'`);
      await db.run('ALTER TABLE main.sessions ADD COLUMN gone_at TIMESTAMPTZ');
      await db.run('ALTER TABLE main.sync_runs ADD COLUMN warnings VARCHAR[]');
      await db.run('ALTER TABLE main.sync_runs ADD COLUMN rejected BIGINT');
      await db.run('ALTER TABLE main.sync_runs ADD COLUMN skipped JSON');
      await db.run(createTableSql(TABLES.rejects));
      await db.run(createTableSql(CHECKPOINTS.watch_spans));
      await recomputeFigures(db);
      await db.run(MASTER_VIEW_SQL);
    },
  },
  {
    to: 3,
    describe: 'sessions and metric_breakdowns without key indexes (the loader keeps them unique)',
    async up(db) {
      // DuckDB cannot drop a primary key: each table is made again and its rows copied over.
      await db.run('DROP VIEW IF EXISTS main.master');
      for (const spec of [TABLES.sessions, TABLES.metric_breakdowns]) {
        const columns = spec.columns.map((c) => c.name).join(', ');
        await db.run(`ALTER TABLE main.${spec.name} RENAME TO ${spec.name}_schema2`);
        await db.run(createTableSql(spec));
        await db.run(
          `INSERT INTO main.${spec.name} (${columns}) SELECT ${columns} FROM main.${spec.name}_schema2`,
        );
        await db.run(`DROP TABLE main.${spec.name}_schema2`);
      }
      await db.run(MASTER_VIEW_SQL);
    },
  },
];

async function storedVersion(db: Warehouse): Promise<number | undefined> {
  const n = await db.scalar<bigint>(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'viewership' AND table_name = 'meta'`,
  );
  if (Number(n) === 0) return undefined;
  const value = await db.scalar<string | null>(
    `SELECT value FROM viewership.meta WHERE key = 'schema_version'`,
  );
  return Number(value);
}

function notAWarehouse(path: string): UsageError {
  return new UsageError(
    `${path} is a DuckDB database but not a viewership warehouse`,
    'Point --db at a warehouse made by `viewership sync`, or at a new file name.',
  );
}

function newer(path: string, version: number): UsageError {
  return new UsageError(
    `${path} was written by a newer viewership (schema ${version}; this one knows ${SCHEMA_VERSION})`,
    'Upgrade viewership to use it; nothing was changed.',
  );
}

async function create(db: Warehouse): Promise<void> {
  const others = await db.scalar<bigint>(
    `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database()`,
  );
  if (Number(others) > 0) throw notAWarehouse(db.path);
  await db.transaction(async () => {
    for (const sql of INTERNAL_DDL) await db.run(sql);
    const specs: TableSpec[] = [...Object.values(TABLES), ...Object.values(CHECKPOINTS)];
    for (const spec of specs) if (!spec.view) await db.run(createTableSql(spec));
    await db.run(MASTER_VIEW_SQL);
    await db.run(`INSERT INTO viewership.meta VALUES ('schema_version', $1), ('created_by', $2)`, [
      String(SCHEMA_VERSION),
      `viewership ${VERSION}`,
    ]);
  });
}

/** Brings the warehouse to SCHEMA_VERSION, one transaction per step; returns the steps taken. */
async function migrate(db: Warehouse, from: number): Promise<string[]> {
  const done: string[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.to <= from) continue;
    await db.transaction(async () => {
      await migration.up(db);
      await db.run(`UPDATE viewership.meta SET value = $1 WHERE key = 'schema_version'`, [
        String(migration.to),
      ]);
    });
    done.push(`schema ${migration.to}: ${migration.describe}`);
  }
  return done;
}

/** For writers (sync, collect, migrate): creates or migrates the warehouse; returns the steps. */
export async function ensureSchema(db: Warehouse): Promise<string[]> {
  const version = await storedVersion(db);
  if (version === undefined) {
    await create(db);
    return [];
  }
  if (!Number.isInteger(version) || version < 1) throw notAWarehouse(db.path);
  if (version > SCHEMA_VERSION) throw newer(db.path, version);
  return version < SCHEMA_VERSION ? migrate(db, version) : [];
}

/** For read-only commands: a viewership warehouse at this version, or a message naming the fix. */
export async function assertWarehouse(db: Warehouse): Promise<void> {
  const version = await storedVersion(db);
  if (version === undefined || !Number.isInteger(version) || version < 1) {
    throw notAWarehouse(db.path);
  }
  if (version > SCHEMA_VERSION) throw newer(db.path, version);
  if (version < SCHEMA_VERSION) {
    throw new UsageError(
      `${db.path} was written by an older viewership (schema ${version}; this one reads ${SCHEMA_VERSION})`,
      `Upgrade it with: viewership migrate --db ${db.path} (a sync upgrades it too).`,
    );
  }
}
