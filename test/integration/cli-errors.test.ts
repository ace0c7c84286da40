/**
 * Bad input gets exit 2 and one or two lines naming the cause and the fix; failures at run time
 * get exit 1 in the same style; `--debug` adds the details. Never a stack trace otherwise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { finished, runCli, startCli, tempDir } from '../helpers/cli.js';

let emulator: PinnedEmulator;
const dir = tempDir();
let synced: string;

beforeAll(async () => {
  emulator = await pinnedEmulator({ preset: 'tiny', seed: 2 });
  synced = join(dir, 'ok.duckdb');
  const r = await runCli(['sync', '--base-url', emulator.url, '--db', synced], {
    ...emulator.env,
  });
  expect(r.code).toBe(0);
});
afterAll(() => emulator.close());

/** Plain lines: at most two, no stack frames. */
function expectPlain(stderr: string, ...patterns: RegExp[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines.length, stderr).toBeLessThanOrEqual(2);
  expect(stderr).not.toMatch(/^\s+at /m);
  for (const p of patterns) expect(stderr).toMatch(p);
}

describe('usage errors exit 2', () => {
  it.each<[string, string[], ...RegExp[]]>([
    [
      'a wrong key',
      ['sync', '--api-key', 'not-the-key-1234'],
      /rejected the API key/,
      /--api-key or APIVIDEO_API_KEY/,
    ],
    ['no key', ['sync'], /no API key/, /APIVIDEO_API_KEY/],
    [
      'a malformed --from',
      ['sync', '--from', '2024-13-01'],
      /--from "2024-13-01" is not a day/,
      /YYYY-MM-DD/,
    ],
    [
      '--from after --to',
      ['sync', '--from', '2024-02-01', '--to', '2024-01-01'],
      /--from 2024-02-01 is after --to 2024-01-01/,
    ],
    [
      'a bad --concurrency',
      ['sync', '--concurrency', 'lots'],
      /--concurrency "lots" is not a whole number/,
    ],
  ])('sync with %s', async (_, args, ...patterns) => {
    const db = join(dir, 'usage.duckdb');
    const withKey: Record<string, string> =
      args.includes('--api-key') || args.length === 1 ? {} : emulator.env;
    const r = await runCli([...args, '--base-url', emulator.url, '--db', db], withKey);
    expect(r.code).toBe(2);
    expectPlain(r.stderr, ...patterns);
    expect(r.stderr).not.toContain('not-the-key-1234');
  });

  it.each<[string, string[], ...RegExp[]]>([
    [
      'an unknown table',
      ['export', '--table', 'nope', '--format', 'csv', '--out', join(dir, 'x.csv')],
      /unknown table "nope"/,
      /Tables: videos/,
    ],
    [
      'an unknown format',
      ['export', '--table', 'sessions', '--format', 'xml', '--out', join(dir, 'x.xml')],
      /xml/,
      /csv, json, ndjson, parquet/,
    ],
    [
      'a partitioned csv',
      [
        'export',
        '--table',
        'sessions',
        '--format',
        'csv',
        '--partitioned',
        '--out',
        join(dir, 'p'),
      ],
      /--partitioned works with --format parquet only/,
    ],
    ['a write in query', ['query', 'DELETE FROM sessions'], /read-only/],
    ['bad SQL', ['query', 'SELEC 1'], /syntax error/],
  ])('%s', async (_, args, ...patterns) => {
    const r = await runCli([...args, '--db', synced]);
    expect(r.code).toBe(2);
    expectPlain(r.stderr, ...patterns);
  });

  it('a file that is not a warehouse', async () => {
    const file = join(dir, 'notes.duckdb');
    writeFileSync(file, 'just some text, not a database');
    const r = await runCli(['query', 'SELECT 1', '--db', file]);
    expect(r.code).toBe(2);
    expectPlain(r.stderr, /is not a DuckDB database/);
    const missing = await runCli(['query', 'SELECT 1', '--db', join(dir, 'missing.duckdb')]);
    expect(missing.code).toBe(2);
    expectPlain(missing.stderr, /there is no warehouse at/, /viewership sync --db/);
  });

  it('a DuckDB database that is someone else’s', async () => {
    const file = join(dir, 'foreign.duckdb');
    const instance = await duckdb.DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE customers (id INTEGER)');
    connection.closeSync();
    instance.closeSync();
    for (const args of [
      ['query', 'SELECT 1'],
      ['sync', '--base-url', emulator.url],
    ]) {
      const r = await runCli([...args, '--db', file], emulator.env);
      expect(r.code).toBe(2);
      expectPlain(r.stderr, /is a DuckDB database but not a viewership warehouse/);
    }
  });

  it('a second sync on a warehouse a sync is writing refuses, and nothing is corrupted', async () => {
    const slow = await pinnedEmulator({ preset: 'small', seed: 4, latencyMs: 25 });
    try {
      const db = join(dir, 'busy.duckdb');
      const env = slow.env;
      const first = startCli(['sync', '--base-url', slow.url, '--db', db], env);
      const firstDone = finished(first);
      await new Promise((r) => setTimeout(r, 1000));
      const second = await runCli(
        ['sync', '--base-url', slow.url, '--db', db, '--lock-wait', '0'],
        env,
      );
      expect(second.code).toBe(2);
      expectPlain(second.stderr, /is in use by another process \(PID \d+\)/, /Another sync/);
      expect((await firstDone).code).toBe(0);
      const check = await runCli([
        'query',
        'SELECT count(*) AS n FROM sessions',
        '--db',
        db,
        '--format',
        'json',
      ]);
      expect(Number(JSON.parse(check.stdout)[0].n)).toBe(slow.emulator.truth.sessionCount());
    } finally {
      await slow.close();
    }
  });
});

describe('runtime failures exit 1', () => {
  it('an unreachable host', async () => {
    const r = await runCli(
      ['sync', '--base-url', 'http://127.0.0.1:59999', '--db', join(dir, 'u.duckdb')],
      { APIVIDEO_API_KEY: 'k' },
    );
    expect(r.code).toBe(1);
    expectPlain(
      r.stderr,
      /cannot reach http:\/\/127\.0\.0\.1:59999 \(ECONNREFUSED\)/,
      /--base-url/,
    );
  });

  it('an API that keeps failing, and --debug shows the details', async () => {
    const broken = await pinnedEmulator({
      preset: 'tiny',
      seed: 2,
      faults: { serverErrorRate: 1 },
    });
    try {
      const args = [
        'sync',
        '--base-url',
        broken.url,
        '--db',
        join(dir, 'b.duckdb'),
        '--retries',
        '2',
      ];
      const r = await runCli(args, broken.env);
      expect(r.code).toBe(1);
      expectPlain(
        r.stderr,
        /kept failing \(HTTP 50\d\) after 2 attempts/,
        /run the same command again later/,
      );
      const debug = await runCli([...args, '--debug'], broken.env);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/^\s+at /m);
      expect(debug.stderr).not.toContain(broken.apiKey);
    } finally {
      await broken.close();
    }
  });
});
