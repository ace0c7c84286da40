/**
 * PostgreSQL as the destination, on a real server (test/global-setup.ts): the same sync gives
 * the same warehouse as in DuckDB, row for row; query, export, serve and report read it as they
 * read a DuckDB file; bad input exits 2 with the cause and the fix, and never shows the password.
 * (Ground truth, faults, kill -9 and re-sync run on both destinations in sync*.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../src/dashboard/server.js';
import { CHARTS } from '../../src/dashboard/shared/charts.js';
import { decodeCube } from '../../src/dashboard/shared/cube.js';
import { buildReportData, writeReport } from '../../src/dashboard/report.js';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { Warehouse } from '../../src/warehouse/connection.js';
import { DASHBOARD_TABLES, withReadableWarehouse } from '../../src/warehouse/open.js';
import { connect } from '../../src/warehouse/postgres/connection.js';
import { lockKeys } from '../../src/warehouse/postgres/store.js';
import { pgTarget } from '../../src/warehouse/postgres/target.js';
import { CHECKPOINTS, TABLES, type TableSpec } from '../../src/warehouse/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { PG_URL, warehouse, type TestWarehouse } from '../helpers/destinations.js';

const dir = tempDir();
const PASSWORD = PG_URL ? decodeURIComponent(new URL(PG_URL).password) : '';

/** Columns that say when a sync ran, not what it stored: two syncs differ there. */
const WHEN: Record<string, string[]> = {
  videos: ['first_seen_at', 'last_seen_at'],
  live_streams: ['first_seen_at', 'last_seen_at'],
  players: ['first_seen_at', 'last_seen_at'],
  metric_timeseries: ['fetched_at'],
  metric_breakdowns: ['fetched_at'],
  rejects: ['rejected_at'],
  sync_runs: ['started_at', 'finished_at', 'requests', 'retries', 'rate_limited', 'skipped'],
  asset_checkpoints: ['listed_at'],
  session_checkpoints: ['fetched_at'],
  metric_checkpoints: ['fetched_at'],
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A value with its arrays' rows sorted and numbers rounded: sums may add up in another order. */
function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (Array.isArray(value)) {
    return value.map(canonical).sort((a, b) => {
      const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)] as const));
  }
  return value;
}

/** Every row of a table, ordered by key, JSON columns as parsed values, sync times left out. */
async function tableRows(path: string, spec: TableSpec): Promise<unknown[]> {
  const skip = new Set(WHEN[spec.name] ?? []);
  const columns = spec.columns.filter((c) => !skip.has(c.name));
  const db = await Warehouse.open(path, { readOnly: true });
  try {
    const schema = spec.schema ?? 'main';
    const rows = await db.jsonRows<Record<string, unknown>>(
      `SELECT ${columns.map((c) => c.name).join(', ')} FROM ${schema}.${spec.name} ORDER BY ${spec.key.join(', ')}`,
    );
    return rows.map((row) =>
      sortKeys(
        Object.fromEntries(
          columns.map((c) => {
            const v = row[c.name];
            return [c.name, c.type === 'JSON' && typeof v === 'string' ? JSON.parse(v) : v];
          }),
        ),
      ),
    );
  } finally {
    db.close();
  }
}

async function readBack(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** An export read back as rows; JSON text is compared as JSON values (jsonb spells it its way). */
async function exported(file: string, format: string): Promise<unknown[]> {
  const text = () => readFileSync(file, 'utf8');
  switch (format) {
    case 'json':
      return asJson(JSON.parse(text()));
    case 'ndjson':
      return asJson(
        text()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      );
    case 'csv':
      return asJson(await readBack(`SELECT * FROM read_csv('${file}', all_varchar = true)`));
    default:
      return asJson(await readBack(`SELECT * FROM read_parquet('${file}')`));
  }
}

const asJson = (rows: Record<string, unknown>[]): unknown[] =>
  rows.map((row) =>
    sortKeys(
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => {
          if (typeof v === 'string' && /^[[{]/.test(v)) {
            try {
              return [k, JSON.parse(v)];
            } catch {
              return [k, v];
            }
          }
          return [k, v];
        }),
      ),
    ),
  );

describe.skipIf(!PG_URL)('PostgreSQL beside DuckDB', () => {
  let emulator: PinnedEmulator;
  let duck: TestWarehouse;
  let pg: TestWarehouse;
  /** Sessions synced. */
  let sessions: number;

  beforeAll(async () => {
    emulator = await pinnedEmulator({ preset: 'small', seed: 4 });
    duck = warehouse(dir, 'twin', 'duckdb');
    pg = warehouse(dir, 'twin', 'postgres');
    const env = emulator.env;
    const [a, b] = await Promise.all(
      [duck, pg].map((w) => runCli(['sync', '--base-url', emulator.url, ...w.args], env)),
    );
    expect(a!.stderr).toBe('');
    expect(b!.stderr).toBe('');
    expect([a!.code, b!.code]).toEqual([0, 0]);
    sessions = Number(
      JSON.parse(
        (
          await runCli([
            'query',
            'SELECT count(*) AS n FROM sessions',
            '--format',
            'json',
            ...duck.args,
          ])
        ).stdout,
      )[0].n,
    );
    expect(sessions).toBeGreaterThan(1000);
  });
  afterAll(() => emulator.close());

  it('hold the same rows in every table after the same sync, raw compared as JSON values', async () => {
    const local = await pg.local();
    const specs: TableSpec[] = [...Object.values(TABLES), ...Object.values(CHECKPOINTS)];
    for (const spec of specs) {
      const [a, b] = await Promise.all([tableRows(duck.db, spec), tableRows(local, spec)]);
      expect(b.length, spec.name).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(b[i], `${spec.name} row ${i}`).toEqual(a[i]);
    }
    // And the contract's types on the server: timestamptz, jsonb, text[].
    const db = await connect(pgTarget(PG_URL, pg.schema), 'test');
    try {
      const types = await db.rows<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = $1 AND column_name IN ('raw', 'loaded_at', 'tags', 'missing_generations')
         ORDER BY 1, 2`,
        [pg.schema!],
      );
      const of = (t: string, c: string) =>
        types.find((r) => r.table_name === t && r.column_name === c)?.data_type;
      expect(of('sessions', 'raw')).toBe('jsonb');
      expect(of('master', 'loaded_at')).toBe('timestamp with time zone');
      expect(of('videos', 'tags')).toBe('ARRAY');
      expect(of('sync_runs', 'missing_generations')).toBe('ARRAY');
    } finally {
      await db.close();
    }
  });

  it('migrate finds it up to date, under the sync lock, naming it without the password', async () => {
    const r = await runCli(['migrate', ...pg.args]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^postgres:\/\/viewership@.* \(schema t_twin_\w+\) is up to date\n$/);
    expect(r.stderr).not.toContain(PASSWORD);
    const none = await runCli(['migrate', '--db', PG_URL, '--schema', 'nothing_here']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/there is no viewership warehouse in schema nothing_here/);
  });

  it('a second sync adds nothing', async () => {
    const r = await runCli(
      ['sync', '--base-url', emulator.url, ...pg.args, '--json'],
      emulator.env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rowsAddedTotal).toBe(0);
  });

  it('query runs in PostgreSQL: the same answers, read-only, one statement', async () => {
    const sql =
      'SELECT country_code, count(*) AS sessions, round(sum(watch_seconds)) AS watched FROM master GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5';
    const [a, b] = await Promise.all(
      [duck, pg].map((w) => runCli(['query', sql, '--format', 'csv', ...w.args])),
    );
    expect(b!.code).toBe(0);
    expect(b!.stdout).toBe(a!.stdout);

    const json = await runCli([
      'query',
      'SELECT count(*) AS n FROM sessions',
      '--format',
      'json',
      ...pg.args,
    ]);
    expect(JSON.parse(json.stdout)).toEqual([{ n: sessions }]);

    for (const bad of ['DELETE FROM sessions', 'SELECT 1; DROP TABLE sessions']) {
      const r = await runCli(['query', bad, ...pg.args]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/read-only|one SQL statement/);
    }
    const still = await runCli([
      'query',
      'SELECT count(*) FROM sessions',
      '--format',
      'csv',
      ...pg.args,
    ]);
    expect(still.stdout.trim().split('\n')[1]).toBe(String(sessions));
  });

  it('export writes the same files from either: every format, Parquet partitioned too', async () => {
    for (const format of ['csv', 'json', 'ndjson', 'parquet']) {
      const out = (w: TestWarehouse) => join(dir, `export-${w.kind}.${format}`);
      const results = await Promise.all(
        [duck, pg].map((w) =>
          runCli(['export', '--table', 'master', '--format', format, '--out', out(w), ...w.args]),
        ),
      );
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const [a, b] = await Promise.all([exported(out(duck), format), exported(out(pg), format)]);
      expect(b.length, format).toBe(sessions);
      expect(b, format).toEqual(a);
    }
    const folders = await Promise.all(
      [duck, pg].map(async (w) => {
        const out = join(dir, `events-${w.kind}`);
        const r = await runCli([
          'export',
          '--table',
          'session_events',
          '--format',
          'parquet',
          '--partitioned',
          '--out',
          out,
          ...w.args,
        ]);
        expect(r.code, r.stderr).toBe(0);
        return readdirSync(out).sort();
      }),
    );
    expect(folders[1]).toEqual(folders[0]);
  });

  it('serve and report show the same page', async () => {
    const servers = await Promise.all(
      [duck, pg].map((w) =>
        startDashboard({ db: w.db, schema: w.schema, port: 0, watchMs: 3_600_000 }),
      ),
    );
    try {
      const get = async (path: string) =>
        Promise.all(servers.map(async (s) => (await fetch(`${s.url}${path}`)).json()));
      const [ma, mb] = (await get('/api/meta')) as Array<Record<string, unknown>>;
      expect(mb!.sessions).toBe(sessions);
      const same = (m: Record<string, unknown>) => ({ ...m, refreshedAt: 0, lastSync: 0 });
      expect(same(mb!)).toEqual(same(ma!));
      const asset = (ma!.assets as Array<{ id: string; type: string }>)[0]!;
      for (const query of ['type=all', `type=${asset.type}&asset=${asset.id}`]) {
        const [da, db] = await get(`/api/data?${query}`);
        expect(canonical(db), query).toEqual(canonical(da));
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
    // The report's data: the same cubes (rows in any order), the same meta.
    const reports = await Promise.all(
      [duck, pg].map((w) =>
        withReadableWarehouse(w.db, { schema: w.schema, tables: DASHBOARD_TABLES }, (db) =>
          buildReportData(db),
        ),
      ),
    );
    const decoded = reports.map((data) => ({
      grain: data.grain,
      by: data.by,
      meta: { ...data.meta, refreshedAt: 0, lastSync: 0 },
      cubes: CHARTS.map((chart) =>
        canonical(decodeCube(chart, data.by, data.cubes[chart.id]!, data.strings)),
      ),
      retention: canonical(data.retention),
      sessions: canonical(data.sessions),
    }));
    expect(decoded[1]).toEqual(decoded[0]);
    const out = join(dir, 'report-pg.html');
    const written = await writeReport({ db: pg.db, schema: pg.schema, out });
    expect(written.sessions).toBe(sessions);
  });
});

describe.skipIf(!PG_URL)('one sync per schema, readers never blocked', () => {
  it('refuses a second sync, waits with --lock-wait, and lets readers read meanwhile', async () => {
    // Slow answers, few at a time: the first sync is still writing when the others start.
    const e = await pinnedEmulator({ preset: 'tiny', seed: 2, latencyMs: 25 });
    try {
      const w = warehouse(dir, 'locked', 'postgres');
      const env = e.env;
      const args = ['sync', '--base-url', e.url, ...w.args];
      const first = runCli([...args, '--concurrency', '2'], env);
      const db = await connect(pgTarget(PG_URL, w.schema), 'test reader');
      try {
        // Once the first sync has committed sessions, the schema is there and locked.
        for (;;) {
          const n = await db
            .scalar<string>(`SELECT count(*) FROM ${w.schema}.sessions`)
            .catch(() => '0');
          if (Number(n) > 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        // A reader holding a snapshot open the whole time (as a BI tool's long query does).
        await db.run('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const seen = Number(await db.scalar(`SELECT count(*) FROM ${w.schema}.sessions`));

        const refused = await runCli([...args, '--lock-wait', '0'], env);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/another sync is writing schema t_locked_\w+ of postgres:/);
        expect(refused.stderr).toMatch(/PID \d+/);
        expect(refused.stderr).not.toContain(PASSWORD);

        const waiting = runCli([...args, '--lock-wait', '600', '--json'], env);
        const read = await runCli(['query', 'SELECT count(*) FROM master', ...w.args]);
        expect(read.code, read.stderr).toBe(0);

        const done = await first;
        expect(done.code, done.stderr).toBe(0);
        // The open snapshot still sees what it saw, and the sync was not held up by it.
        expect(Number(await db.scalar(`SELECT count(*) FROM ${w.schema}.sessions`))).toBe(seen);
        await db.run('COMMIT');
        const after = await waiting;
        expect(after.code, after.stderr).toBe(0);
        expect(JSON.parse(after.stdout).rowsAdded.sessions ?? 0).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await e.close();
    }
  });
});

describe.skipIf(!PG_URL)('serve on PostgreSQL', () => {
  it('keeps the last snapshot while a sync writes, and takes a new one when it is done', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 6 });
    const w = warehouse(dir, 'served', 'postgres');
    const served: { close(): Promise<void> }[] = [];
    const db = await connect(pgTarget(PG_URL, w.schema), 'test');
    try {
      expect((await runCli(['sync', '--base-url', e.url, ...w.args], e.env)).code).toBe(0);
      const dashboard = await startDashboard({
        db: w.db,
        schema: w.schema,
        port: 0,
        watchMs: 3_600_000,
      });
      served.push(dashboard);
      expect(dashboard.store.version).toBe(1);
      expect(await dashboard.store.refresh()).toBe('unchanged');

      // A sync holds the schema's lock and has committed something: the dashboard waits.
      const [k1, k2] = lockKeys(w.schema!);
      expect(await db.scalar('SELECT pg_try_advisory_lock($1, $2)', [k1, k2])).toBe(true);
      await db.run(
        `UPDATE ${w.schema}_internal.meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'`,
      );
      expect(await dashboard.store.refresh()).toBe('locked');
      expect(dashboard.store.version).toBe(1);
      await db.run('SELECT pg_advisory_unlock($1, $2)', [k1, k2]);

      // The sync is over: the next look copies the new state.
      expect(await dashboard.store.refresh()).toBe('updated');
      expect(dashboard.store.version).toBe(2);
      const meta = (await (await fetch(`${dashboard.url}/api/meta`)).json()) as {
        sessions: number;
      };
      expect(meta.sessions).toBe(e.emulator.truth.sessionCount());
    } finally {
      await Promise.all(served.map((s) => s.close()));
      await db.close();
      await e.close();
    }
  });
});

describe.skipIf(!PG_URL)('bad PostgreSQL input: exit 2, the cause and the fix', () => {
  const url = PG_URL ? new URL(PG_URL) : undefined;
  const withUrl = (change: (u: URL) => void) => {
    const u = new URL(url!.toString());
    change(u);
    return u.toString();
  };
  // No API is reached: the warehouse is checked first.
  const sync = (db: string, ...extra: string[]) =>
    runCli(['sync', '--base-url', 'http://127.0.0.1:9', '--api-key', 'k', '--db', db, ...extra], {
      PGPASSFILE: join(dir, 'no-pgpass'),
      PGPASSWORD: '',
    });

  it.each([
    [
      'an unreachable server',
      () => withUrl((u) => (u.port = '1')),
      /cannot reach PostgreSQL at postgres:\/\/viewership@127\.0\.0\.1:1\/viewership \(ECONNREFUSED\)\n {2}Check the host and port/,
    ],
    [
      'a wrong password',
      () => withUrl((u) => (u.password = 'not-the-password')),
      /refused the password of user viewership at postgres:\/\/viewership@127.*\n {2}Give the right password in the URL, in PGPASSWORD, or in ~\/\.pgpass/,
    ],
    [
      'no password at all',
      () => withUrl((u) => (u.password = '')),
      /asks user viewership for a password, and none was given\n {2}Put it in PGPASSWORD or ~\/\.pgpass/,
    ],
    [
      'a database that does not exist',
      () => withUrl((u) => (u.pathname = '/no_such_db')),
      /database no_such_db does not exist on postgres:.*\n {2}Create it \(createdb no_such_db/,
    ],
  ])('%s', async (_name, db, message) => {
    const r = await sync(db());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('not-the-password');
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
  });

  it('a schema holding other tables is refused and left as it was', async () => {
    const db = await connect(pgTarget(PG_URL, 'someone_elses'), 'test');
    try {
      await db.run('DROP SCHEMA IF EXISTS someone_elses CASCADE');
      await db.run('CREATE SCHEMA someone_elses');
      await db.run('CREATE TABLE someone_elses.orders (id int)');
      for (const args of [
        ['sync', '--base-url', 'http://127.0.0.1:9', '--api-key', 'k'],
        ['query', 'SELECT 1'],
      ]) {
        const r = await runCli([...args, '--db', PG_URL, '--schema', 'someone_elses']);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /schema someone_elses of postgres:\/\/viewership@.* holds other tables \(someone_elses\.orders…\), not a viewership warehouse\n {2}Pick a schema of viewership's own with --schema NAME/,
        );
      }
      expect(
        await db.rows(
          `SELECT table_name FROM information_schema.tables WHERE table_schema LIKE 'someone_elses%'`,
        ),
      ).toEqual([{ table_name: 'orders' }]);
    } finally {
      await db.close();
    }
  });

  it('a schema written by a newer viewership is refused before anything changes', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 3 });
    try {
      const w = warehouse(dir, 'newer', 'postgres');
      const synced = await runCli(['sync', '--base-url', e.url, ...w.args], {
        ...e.env,
      });
      expect(synced.code).toBe(0);
      const db = await connect(pgTarget(PG_URL, w.schema), 'test');
      try {
        await db.run(
          `UPDATE ${w.schema}_internal.meta SET value = '99' WHERE key = 'schema_version'`,
        );
        for (const args of [
          ['sync', '--base-url', e.url, '--api-key', e.apiKey],
          ['query', 'SELECT 1'],
          ['export', '--table', 'sessions', '--format', 'csv', '--out', join(dir, 'x.csv')],
        ]) {
          const r = await runCli([...args, ...w.args]);
          expect(r.code, args[0]).toBe(2);
          expect(r.stderr).toMatch(
            /was written by a newer viewership \(schema 99; this one knows 3\)\n {2}Upgrade viewership/,
          );
        }
        expect(Number(await db.scalar(`SELECT count(*) FROM ${w.schema}.sync_runs`))).toBe(1);
      } finally {
        await db.close();
      }
    } finally {
      await e.close();
    }
  });

  it('a schema written at schema 2 is migrated by migrate, with nothing to change', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 3 });
    try {
      const w = warehouse(dir, 'schema2', 'postgres');
      expect((await runCli(['sync', '--base-url', e.url, ...w.args], e.env)).code).toBe(0);
      const db = await connect(pgTarget(PG_URL, w.schema), 'test');
      try {
        await db.run(
          `UPDATE ${w.schema}_internal.meta SET value = '2' WHERE key = 'schema_version'`,
        );
        const q = await runCli(['query', 'SELECT 1', ...w.args]);
        expect(q.stderr).toMatch(/older viewership \(schema 2; this one reads 3\)/);
        const m = await runCli(['migrate', ...w.args]);
        expect(m.code, m.stderr).toBe(0);
        expect(m.stderr).toMatch(/to schema 3: no change in PostgreSQL/);
        expect(
          await db.scalar(
            `SELECT value FROM ${w.schema}_internal.meta WHERE key = 'schema_version'`,
          ),
        ).toBe('3');
        expect((await runCli(['query', 'SELECT 1', ...w.args])).code).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await e.close();
    }
  });

  it('names a schema with no warehouse, a bad schema name, and --schema on a DuckDB file', async () => {
    const none = await runCli(['query', 'SELECT 1', '--db', PG_URL, '--schema', 'nothing_here']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /there is no viewership warehouse in schema nothing_here of postgres:.*\n {2}Create it with: viewership sync --db postgres:\/\/viewership@/,
    );
    expect(none.stderr).not.toContain(PASSWORD);
    const bad = await runCli(['query', 'SELECT 1', '--db', PG_URL, '--schema', 'Bad-Name']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--schema "Bad-Name" is not a plain schema name/);
    const file = await runCli([
      'query',
      'SELECT 1',
      '--db',
      join(dir, 'f.duckdb'),
      '--schema',
      'x',
    ]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/--schema is for PostgreSQL warehouses/);
  });
});

describe.skipIf(!PG_URL)('the password', () => {
  it('comes from PGPASSWORD or ~/.pgpass when the URL has none', async () => {
    const e = await pinnedEmulator({ preset: 'tiny', seed: 5 });
    try {
      const w = warehouse(dir, 'password', 'postgres');
      const bare = new URL(PG_URL);
      bare.password = '';
      const args = ['--db', bare.toString(), '--schema', w.schema!];
      const viaEnv = await runCli(['sync', '--base-url', e.url, ...args], {
        ...e.env,
        PGPASSWORD: PASSWORD,
      });
      expect(viaEnv.code, viaEnv.stderr).toBe(0);
      const pgpass = join(dir, 'pgpass');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(pgpass, `127.0.0.1:${bare.port}:viewership:viewership:${PASSWORD}\n`, {
        mode: 0o600,
      });
      const viaFile = await runCli(['query', 'SELECT count(*) FROM sessions', ...args], {
        PGPASSFILE: pgpass,
        PGPASSWORD: '',
      });
      expect(viaFile.code, viaFile.stderr).toBe(0);
      expect(viaFile.stdout).toContain(String(e.emulator.truth.sessionCount()));
      for (const out of [viaEnv.stdout, viaEnv.stderr, viaFile.stdout, viaFile.stderr]) {
        expect(out).not.toContain(PASSWORD);
      }
    } finally {
      await e.close();
    }
  });
});
