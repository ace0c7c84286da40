/**
 * The sync suites run once per destination (vitest.config.ts: the `postgres` project runs them
 * again with `destination` = postgres). A test names its warehouse through `warehouse()`, passes
 * its flags to the CLI, and reads it back as a DuckDB file: the file itself, or for PostgreSQL a
 * fresh local snapshot of every table (src/warehouse/postgres/snapshot.ts), so the comparisons
 * with the ground truth (truth.ts) are the same code for both.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { beforeEach, inject } from 'vitest';
import { snapshotPostgres } from '../../src/warehouse/postgres/snapshot.js';
import { ALL_TABLES } from '../../src/warehouse/postgres/tables.js';

export type DestinationKind = 'duckdb' | 'postgres';

/** A PostgreSQL database for tests ('' when none: PostgreSQL tests are skipped). */
export const PG_URL: string = inject('pgUrl') ?? '';
export const DESTINATION: DestinationKind = inject('destination') ?? 'duckdb';

export interface TestWarehouse {
  kind: DestinationKind;
  /** What --db takes. */
  db: string;
  schema: string | undefined;
  /** The CLI flags that name it: --db (and --schema). */
  args: string[];
  /** A DuckDB file holding every table as it is now (PostgreSQL: a new snapshot each call). */
  local(): Promise<string>;
}

let snapshots = 0;

/** A new, empty warehouse called `name`, in `dir` (DuckDB) or in a schema of its own (PostgreSQL). */
export function warehouse(dir: string, name: string, kind = DESTINATION): TestWarehouse {
  if (kind === 'duckdb') {
    const db = join(dir, `${name}.duckdb`);
    return { kind, db, schema: undefined, args: ['--db', db], local: async () => db };
  }
  const schema = `t_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
  return {
    kind,
    db: PG_URL,
    schema,
    args: ['--db', PG_URL, '--schema', schema],
    async local() {
      const path = join(dir, `${schema}-${++snapshots}.duckdb`);
      await snapshotPostgres(PG_URL, schema, path, { tables: ALL_TABLES, raw: true });
      return path;
    },
  };
}

/** In a suite parametrized by destination: skip its tests when PostgreSQL is wanted but absent. */
export function skipWithoutDestination(): void {
  if (DESTINATION === 'postgres' && !PG_URL) {
    beforeEach((ctx) => ctx.skip('no PostgreSQL server (see test/global-setup.ts)'));
  }
}
