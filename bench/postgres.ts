/**
 * PostgreSQL as the destination (issue 9), against a throwaway local cluster with its durability
 * left on (fsync, synchronous commits), as a user's server would have it:
 * - the million-event sync (emulator preset `million`) into PostgreSQL beside the same sync into
 *   DuckDB, run back to back on the same emulator: within 2× of DuckDB's time, peak RSS of the
 *   sync process under the memory bar;
 * - the dashboard on 1,000,000 sessions stored in PostgreSQL: serve's first snapshot, a refresh
 *   after the data changed, every data request (cold and warm), and a report.
 *
 *   npx tsx bench/postgres.ts [sync|dashboard]   (VIEWERSHIP_BENCH_PG=postgres://… for a server of your own)
 */
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../src/emulator/index.js';
import { startDashboard } from '../src/dashboard/server.js';
import { writeReport } from '../src/dashboard/report.js';
import { filterQuery } from '../src/dashboard/shared/filter.js';
import type { Meta } from '../src/dashboard/shared/types.js';
import { Warehouse } from '../src/warehouse/connection.js';
import { sqlString } from '../src/warehouse/sql-text.js';
import { connect } from '../src/warehouse/postgres/connection.js';
import { ensurePgSchema, pgTable } from '../src/warehouse/postgres/schema.js';
import { pgTarget } from '../src/warehouse/postgres/target.js';
import { ALL_TABLES } from '../src/warehouse/postgres/tables.js';
import { specOf } from '../src/warehouse/load.js';
import { qualified } from '../src/warehouse/schema.js';
import { hasPostgresBinaries, startThrowawayCluster } from '../test/helpers/pg-cluster.js';
import { addWatchSpans, FIXTURE, filters, timed, type BenchResult } from './dashboard.js';
import { millionWarehouse } from '../test/helpers/million-warehouse.js';
import { fresh, printResults, runSync } from './sync.js';

const OUT = join(import.meta.dirname, '../bench-output');
const MEMORY_BAR_MB = 250;
const REQUEST_BAR_MS = 300;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function million(url: string, log: (line: string) => void): Promise<BenchResult[]> {
  const emulator = await startEmulator({ preset: 'million', seed: 1 });
  try {
    const duck = await runSync(
      emulator.url,
      emulator.apiKey,
      fresh('bench-million-pg-twin.duckdb'),
    );
    const pg = await runSync(emulator.url, emulator.apiKey, url, ['--schema', 'bench_million']);
    const [d, p] = [duck, pg].map((r) => ({
      s: r.wallMs / 1000,
      mb: r.summary.peakRssBytes / 1e6,
    }));
    log(
      `million-event sync: DuckDB ${round(d!.s)} s, peak RSS ${round(d!.mb, 0)} MB; ` +
        `PostgreSQL ${round(p!.s)} s, peak RSS ${round(p!.mb, 0)} MB ` +
        `(${pg.summary.fetched.events.toLocaleString('en-US')} events, ${pg.summary.fetched.sessions.toLocaleString('en-US')} sessions)`,
    );
    const again = await runSync(emulator.url, emulator.apiKey, url, ['--schema', 'bench_million']);
    log(
      `second sync into PostgreSQL: ${again.summary.rowsAddedTotal} rows added in ${round(again.wallMs / 1000)} s`,
    );
    const ratio = p!.s / d!.s;
    return [
      {
        name: 'PostgreSQL: million-event sync time / DuckDB time',
        value: round(ratio, 2),
        unit: '×',
        bar: '≤ 2×',
        pass: ratio <= 2,
      },
      {
        name: 'PostgreSQL: peak RSS of the million-event sync',
        value: round(p!.mb, 0),
        unit: 'MB',
        bar: `< ${MEMORY_BAR_MB} MB`,
        pass: p!.mb < MEMORY_BAR_MB,
      },
    ];
  } finally {
    await emulator.close();
  }
}

/** The 1M-session fixture (a DuckDB file) into a PostgreSQL schema, table by table, via CSV. */
async function loadFixture(url: string, schema: string): Promise<void> {
  const target = pgTarget(url, schema);
  const pg = await connect(target, 'viewership bench');
  const duck = await Warehouse.open(FIXTURE, { readOnly: true });
  try {
    await pg.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pg.run(`DROP SCHEMA IF EXISTS ${target.internal} CASCADE`);
    await ensurePgSchema(pg, target);
    for (const name of ALL_TABLES) {
      const spec = specOf(name);
      const file = join(OUT, `fixture-${name}.csv`);
      const select = spec.columns.map((c) =>
        c.type === 'VARCHAR[]'
          ? `CASE WHEN ${c.name} IS NULL THEN NULL ELSE '{' || array_to_string(list_transform(${c.name}, x -> '"' || replace(replace(x, '\\', '\\\\'), '"', '\\"') || '"'), ',') || '}' END`
          : c.name,
      );
      await duck.run(
        `COPY (SELECT ${select.join(', ')} FROM ${qualified(spec)}) TO ${sqlString(file)} (FORMAT csv, HEADER false)`,
      );
      await pg.copyIn(
        `COPY ${pgTable(target, spec)} (${spec.columns.map((c) => c.name).join(', ')}) FROM STDIN (FORMAT csv)`,
        createReadStream(file),
      );
      rmSync(file, { force: true });
    }
    await pg.run(`ANALYZE`);
  } finally {
    duck.close();
    await pg.close();
  }
}

async function dashboard(url: string, log: (line: string) => void): Promise<BenchResult[]> {
  const schema = 'bench_dashboard';
  await millionWarehouse(FIXTURE);
  await addWatchSpans(FIXTURE);
  let t = performance.now();
  await loadFixture(url, schema);
  log(
    `loaded the 1,000,000-session fixture into PostgreSQL in ${round((performance.now() - t) / 1000)} s`,
  );

  t = performance.now();
  const served = await startDashboard({ db: url, schema, port: 0, watchMs: 3_600_000 });
  const startMs = performance.now() - t;
  const results: BenchResult[] = [];
  try {
    const base = served.url;
    const meta = (await (await fetch(`${base}/api/meta`)).json()) as Meta;
    if (meta.sessions !== 1_000_000) throw new Error(`fixture has ${meta.sessions} sessions`);
    log(`serve on PostgreSQL ready in ${Math.round(startMs)} ms (first snapshot + aggregates)`);

    const cold: number[] = [];
    const warm: number[] = [];
    // As bench/dashboard.ts: once the first question is answered, retention and session lists.
    await timed(`${base}/api/data`);
    const largest = meta.assets.find((a) => a.type === 'video')!;
    for (const path of [
      `/api/retention?asset=${largest.id}`,
      '/api/sessions',
      `/api/sessions?asset=${largest.id}&sort=watch`,
    ]) {
      const first = await timed(`${base}${path}`);
      cold.push(first);
      log(`  ${path.padEnd(45)} cold ${first.toFixed(0).padStart(4)} ms`);
    }
    for (const path of ['/api/meta', '/api/version']) {
      cold.push(await timed(`${base}${path}`));
      warm.push(await timed(`${base}${path}`));
    }
    for (const [name, filter] of filters(meta)) {
      const first = await timed(`${base}/api/data?${filterQuery(filter)}`);
      const again = await timed(`${base}/api/data?${filterQuery(filter)}`);
      cold.push(first);
      warm.push(again);
      log(
        `  /api/data ${name.padEnd(34)} cold ${first.toFixed(0).padStart(4)} ms   warm ${again.toFixed(1).padStart(5)} ms`,
      );
    }

    // A sync commits: the next look at PostgreSQL makes a new snapshot.
    const pg = await connect(pgTarget(url, schema), 'viewership bench');
    await pg.run(
      `UPDATE ${schema}_internal.meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'`,
    );
    await pg.close();
    t = performance.now();
    const refreshed = await served.store.refresh();
    const refreshMs = performance.now() - t;
    log(`refresh after a change: ${refreshed} in ${Math.round(refreshMs)} ms`);
    const afterRefresh = await timed(`${base}/api/data?${filterQuery({ type: 'all' })}`);
    log(`  first data request after the refresh: ${afterRefresh.toFixed(0)} ms`);
    cold.push(afterRefresh);

    const maxCold = Math.max(...cold);
    const maxWarm = Math.max(...warm);
    results.push(
      {
        name: 'PostgreSQL: serve start on 1M sessions (first snapshot + aggregates)',
        value: Math.round(startMs),
        unit: 'ms',
        bar: '< 30000 ms',
        pass: startMs < 30_000,
      },
      {
        name: 'PostgreSQL: snapshot refresh after a change (1M sessions)',
        value: Math.round(refreshMs),
        unit: 'ms',
        bar: '< 30000 ms',
        pass: refreshed === 'updated' && refreshMs < 30_000,
      },
      {
        name: 'PostgreSQL: slowest dashboard request, cold (1M sessions)',
        value: Math.round(maxCold),
        unit: 'ms',
        bar: `< ${REQUEST_BAR_MS} ms`,
        pass: maxCold < REQUEST_BAR_MS,
      },
      {
        name: 'PostgreSQL: slowest dashboard request, warm (1M sessions)',
        value: Math.round(maxWarm),
        unit: 'ms',
        bar: `< ${REQUEST_BAR_MS} ms`,
        pass: maxWarm < REQUEST_BAR_MS,
      },
    );
  } finally {
    await served.close();
  }
  t = performance.now();
  const report = await writeReport({ db: url, schema, out: join(OUT, 'report-1m-pg.html') });
  log(
    `report of 1M sessions from PostgreSQL: ${(report.bytes / 1e6).toFixed(1)} MB in ${Math.round(performance.now() - t)} ms`,
  );
  return results;
}

export async function benchPostgres(
  log: (line: string) => void = console.log,
  parts: ReadonlyArray<'sync' | 'dashboard'> = ['sync', 'dashboard'],
): Promise<BenchResult[]> {
  const given = process.env.VIEWERSHIP_BENCH_PG;
  if (!given && !hasPostgresBinaries()) {
    log('PostgreSQL: not measured (no server binaries; apt-get install -y postgresql)');
    return [];
  }
  const cluster = given ? undefined : startThrowawayCluster();
  const url = given ?? cluster!.url;
  try {
    return [
      ...(parts.includes('sync') ? await million(url, log) : []),
      ...(parts.includes('dashboard') ? await dashboard(url, log) : []),
    ];
  } finally {
    cluster?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parts = process.argv.slice(2).filter((a) => a === 'sync' || a === 'dashboard');
  const results = await benchPostgres(
    (line) => console.log(`  ${line}`),
    parts.length > 0 ? parts : undefined,
  );
  console.log('');
  printResults(results);
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}
