/** Getting the data out: every export format, partitioned Parquet, and query's three formats. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { BIN, runCli, tempDir } from '../helpers/cli.js';

let emulator: PinnedEmulator;
const dir = tempDir();
const db = join(dir, 'w.duckdb');

beforeAll(async () => {
  emulator = await pinnedEmulator({ preset: 'tiny', seed: 12 });
  const r = await runCli(['sync', '--base-url', emulator.url, '--db', db], emulator.env);
  expect(r.code).toBe(0);
});
afterAll(() => emulator.close());

/** Reads an exported file back with DuckDB itself. */
async function count(sql: string): Promise<number> {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return Number(reader.getRowsJS()[0]![0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('export', () => {
  const sessions = () => emulator.emulator.truth.sessionCount();

  it.each([
    ['csv', (p: string) => `SELECT count(*) FROM read_csv('${p}')`],
    ['json', (p: string) => `SELECT count(*) FROM read_json('${p}', format = 'array')`],
    [
      'ndjson',
      (p: string) => `SELECT count(*) FROM read_json('${p}', format = 'newline_delimited')`,
    ],
    ['parquet', (p: string) => `SELECT count(*) FROM read_parquet('${p}')`],
  ])('writes master as %s, every row', async (format, reader) => {
    const out = join(dir, `master.${format}`);
    const r = await runCli([
      'export',
      '--table',
      'master',
      '--format',
      format,
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`exported ${sessions()} rows of master`));
    expect(await count(reader(out))).toBe(sessions());
  });

  it('writes session_events as Parquet partitioned by UTC day', async () => {
    const out = join(dir, 'events');
    const r = await runCli([
      'export',
      '--table',
      'session_events',
      '--format',
      'parquet',
      '--partitioned',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    const written = readdirSync(out).sort();
    // Beside the partitions, the manifest that lets the next export replace only them.
    expect(written).toContain('.viewership-export.json');
    const days = written.filter((f) => f !== '.viewership-export.json');
    expect(days.length).toBeGreaterThan(5);
    expect(days.every((d) => /^day=\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(
      await count(
        `SELECT count(*) FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true)`,
      ),
    ).toBe(emulator.emulator.truth.eventCount());
    // Each folder holds exactly its day's events.
    expect(
      await count(`SELECT count(*) FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true)
                   WHERE strftime(emitted_at AT TIME ZONE 'UTC', '%Y-%m-%d') <> day::VARCHAR`),
    ).toBe(0);
  });

  it('keeps the raw API object and UTC timestamps in CSV', async () => {
    const out = join(dir, 'sessions.csv');
    expect(
      (await runCli(['export', '--table', 'sessions', '--format', 'csv', '--out', out, '--db', db]))
        .code,
    ).toBe(0);
    const [header, first] = readFileSync(out, 'utf8').split('\n');
    expect(header!.split(',')).toContain('raw');
    expect(first).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?\+00/);
    expect(existsSync(out)).toBe(true);
  });
});

describe('query', () => {
  const sql = `SELECT asset_type, count(*) AS sessions FROM master GROUP BY 1 ORDER BY 1`;

  it('stops quietly when its reader has gone (| head)', () => {
    for (const args of [
      `query 'SELECT * FROM range(300000)' --db '${db}' --format csv`,
      'export --help',
    ]) {
      // As a shell runs it, with a reader that is gone before the CLI writes (like head once it
      // has its lines): the pipe is closed under the CLI.
      const r = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" ${args} | true; echo "\${PIPESTATUS[0]}"`],
        { encoding: 'utf8' },
      );
      expect(r.stderr, args).toBe('');
      expect(r.stdout.trim(), args).toBe('0');
    }
  });

  it('prints an aligned table by default', async () => {
    const r = await runCli(['query', sql, '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^asset_type\s+sessions$/);
    expect(lines.at(-1)).toMatch(/^\(\d rows?\)$/);
  });

  it('prints CSV and JSON that add up to the truth', async () => {
    const csv = await runCli(['query', sql, '--db', db, '--format', 'csv']);
    const rows = csv.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]));
    expect(rows.reduce((a, b) => a + b, 0)).toBe(emulator.emulator.truth.sessionCount());
    const json = JSON.parse((await runCli(['query', sql, '--db', db, '--format', 'json'])).stdout);
    expect(json.map((r: { asset_type: string }) => r.asset_type)).toEqual(['live_stream', 'video']);
  });
});
