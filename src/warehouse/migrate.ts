/**
 * Creates the warehouse's tables on first use and recognises a viewership warehouse later.
 *
 * A DuckDB file that already holds other tables but no viewership bookkeeping is someone
 * else's database: it is refused rather than written into.
 */
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Warehouse } from './connection.js';
import { MASTER_VIEW_SQL } from './model.js';
import { CHECKPOINTS, createTableSql, INTERNAL_DDL, SCHEMA_VERSION, TABLES } from './schema.js';

async function hasMeta(db: Warehouse): Promise<boolean> {
  const n = await db.scalar<bigint>(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'viewership' AND table_name = 'meta'`,
  );
  return Number(n) > 0;
}

function notAWarehouse(path: string): UsageError {
  return new UsageError(
    `${path} is a DuckDB database but not a viewership warehouse`,
    'Point --db at a warehouse made by `viewership sync`, or at a new file name.',
  );
}

/** Makes sure every table exists; run by `sync` before it writes. */
export async function ensureSchema(db: Warehouse): Promise<void> {
  if (!(await hasMeta(db))) {
    const others = await db.scalar<bigint>(
      `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database()`,
    );
    if (Number(others) > 0) throw notAWarehouse(db.path);
  }
  await db.transaction(async () => {
    for (const sql of INTERNAL_DDL) await db.run(sql);
    for (const spec of [...Object.values(TABLES), ...Object.values(CHECKPOINTS)]) {
      if (!('view' in spec)) await db.run(createTableSql(spec));
    }
    await db.run(MASTER_VIEW_SQL);
    await db.run(
      `INSERT INTO viewership.meta VALUES ('schema_version', $1), ('created_by', $2) ON CONFLICT DO NOTHING`,
      [String(SCHEMA_VERSION), `viewership ${VERSION}`],
    );
  });
  const version = Number(
    await db.scalar<string>(`SELECT value FROM viewership.meta WHERE key = 'schema_version'`),
  );
  if (version > SCHEMA_VERSION) {
    throw new UsageError(
      `${db.path} was written by a newer viewership (schema ${version}, this one knows ${SCHEMA_VERSION})`,
      'Upgrade viewership to read it.',
    );
  }
}

/** For read-only commands: refuses anything that is not a viewership warehouse. */
export async function assertWarehouse(db: Warehouse): Promise<void> {
  if (!(await hasMeta(db))) throw notAWarehouse(db.path);
}
