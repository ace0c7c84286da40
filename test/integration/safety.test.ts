/**
 * Safe by default (issue 8): the default warehouse name works, no command overwrites or deletes
 * what it did not write, the schema version is checked before anything else, bad input is a usage
 * error naming the fix, and a refused command leaves the warehouse byte for byte as it was.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/connection.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { fingerprint, pinnedEmulator, type PinnedEmulator } from '../helpers/pinned.js';
import { compareWithTruth } from '../helpers/truth.js';

let emulator: PinnedEmulator;
let dir: string;
/** A synced warehouse under the default name, made once. */
let db: string;

beforeAll(async () => {
  emulator = await pinnedEmulator({ preset: 'tiny', seed: 4 });
  dir = tempDir();
  // The default --db, in the folder the command runs in.
  const r = await runCli(['sync', '--base-url', emulator.url], emulator.env, { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  db = join(dir, 'viewership.duckdb');
});
afterAll(() => emulator.close());

async function expectRefused(args: string[], pattern: RegExp, code = 2) {
  const before = fingerprint(db);
  const r = await runCli(args, emulator.env);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  expect(fingerprint(db), 'the warehouse changed').toBe(before);
  return r;
}

describe('warehouse file names', () => {
  it('syncs into the default viewership.duckdb and reads it back', async () => {
    expect(existsSync(db)).toBe(true);
    expect(await compareWithTruth(db, emulator.emulator.truth)).toEqual([]);
    const q = await runCli(
      ['query', 'SELECT count(*) AS n FROM master', '--format', 'json'],
      {},
      { cwd: dir },
    );
    expect(JSON.parse(q.stdout)).toEqual([{ n: emulator.emulator.truth.sessionCount() }]);
  });

  it.each(['main.duckdb', 'system.duckdb', 'my "team" wh.duckdb', "l'été.duckdb", 'memory.duckdb'])(
    'works with %s',
    async (name) => {
      const path = join(dir, name);
      const r = await runCli(
        ['sync', '--base-url', emulator.url, '--db', path, '--no-metrics'],
        emulator.env,
      );
      expect(r.code, r.stderr).toBe(0);
      const q = await runCli([
        'query',
        'SELECT count(*) AS n FROM sessions',
        '--db',
        path,
        '--format',
        'csv',
      ]);
      expect(q.stdout.trim()).toBe(`n\n${emulator.emulator.truth.sessionCount()}`);
    },
  );
});

describe('outputs never touch what they did not write', () => {
  it('refuses the warehouse as export or report output: same path, symlink, hard link', async () => {
    const link = join(dir, 'link.duckdb');
    const hard = join(dir, 'hard.duckdb');
    symlinkSync(db, link);
    linkSync(db, hard);
    for (const out of [db, link, hard]) {
      await expectRefused(
        ['export', '--table', 'master', '--format', 'csv', '--out', out, '--db', db],
        /is the warehouse itself/,
      );
      await expectRefused(['report', '--out', out, '--db', db], /is the warehouse itself/);
    }
  });

  it('replaces an existing output only with a complete one', async () => {
    const out = join(dir, 'sessions.csv');
    writeFileSync(out, 'old');
    const r = await runCli([
      'export',
      '--table',
      'sessions',
      '--format',
      'csv',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^session_id,/);
    // No temporary file left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a partitioned export only into a new, empty or its own folder', async () => {
    const args = (out: string) => [
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
    ];
    // The folder holding the warehouse is not an export folder.
    await expectRefused(args(dir), /holds other files/);
    expect(existsSync(db)).toBe(true);

    const out = join(dir, 'events');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await expectRefused(args(out), /holds other files/);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');

    const own = join(dir, 'events2');
    expect((await runCli(args(own))).code).toBe(0);
    const first = readdirSync(own).sort();
    // The user adds a file of their own; the next export replaces its partitions and keeps it.
    writeFileSync(join(own, 'README'), 'mine');
    expect((await runCli(args(own))).code).toBe(0);
    expect(readdirSync(own).sort()).toEqual([...first, 'README'].sort());
    expect(readFileSync(join(own, 'README'), 'utf8')).toBe('mine');
  });

  it('writes to stdout with --out -', async () => {
    const r = await runCli([
      'export',
      '--table',
      'players',
      '--format',
      'ndjson',
      '--out',
      '-',
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(emulator.emulator.truth.players().length);
  });

  it('neutralises spreadsheet formulas in CSV when asked', async () => {
    const copy = join(dir, 'formula-wh.duckdb');
    copyFileSync(db, copy);
    const e = await Warehouse.open(copy);
    await e.run(
      `UPDATE sessions SET city = '=HYPERLINK("http://x")' WHERE session_id = (SELECT min(session_id) FROM sessions)`,
    );
    e.close();
    const out = join(dir, 'safe.csv');
    const r = await runCli([
      'export',
      '--table',
      'sessions',
      '--format',
      'csv',
      '--safe-csv',
      '--out',
      out,
      '--db',
      copy,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain(`'=HYPERLINK`);
    expect(text).not.toMatch(/,=HYPERLINK/);
  });
});

describe('credentials', () => {
  it.each([
    ['in the user part', (url: string, key: string) => url.replace('http://', `http://${key}:@`)],
    ['in the query', (url: string, key: string) => `${url}/?apiKey=${key}`],
  ])('refuses a key %s of --base-url without printing or storing it', async (_, withKey) => {
    const r = await expectRefused(
      ['sync', '--base-url', withKey(emulator.url, emulator.apiKey), '--db', db],
      /--base-url must be the API's address alone/,
    );
    expect(r.stderr).not.toContain(emulator.apiKey);
  });

  it('reads the key from a file or stdin', async () => {
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${emulator.apiKey}\n`);
    const path = join(dir, 'keyfile.duckdb');
    const r = await runCli(
      ['sync', '--base-url', emulator.url, '--db', path, '--api-key-file', keyFile, '--no-metrics'],
      { VIEWERSHIP_NOW: emulator.env.VIEWERSHIP_NOW!, APIVIDEO_API_KEY: '' },
    );
    expect(r.code, r.stderr).toBe(0);
    const stdin = await runCli(
      ['sync', '--base-url', emulator.url, '--db', path, '--api-key-file', '-', '--no-metrics'],
      { VIEWERSHIP_NOW: emulator.env.VIEWERSHIP_NOW!, APIVIDEO_API_KEY: '' },
      { input: emulator.apiKey },
    );
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toMatch(/^synced/);
    expect(readFileSync(path).includes(emulator.apiKey)).toBe(false);
  });
});

describe('schema versions', () => {
  it('refuses a warehouse written by a newer viewership before changing anything', async () => {
    const newer = join(dir, 'newer.duckdb');
    copyFileSync(db, newer);
    const w = await Warehouse.open(newer);
    await w.run(`UPDATE viewership.meta SET value = '99' WHERE key = 'schema_version'`);
    w.close();
    const before = fingerprint(newer);
    for (const args of [
      ['sync', '--base-url', emulator.url],
      ['query', 'SELECT 1'],
      ['export', '--table', 'sessions', '--format', 'csv', '--out', join(dir, 'x.csv')],
      ['report', '--out', join(dir, 'x.html')],
      ['migrate'],
    ]) {
      const r = await runCli([...args, '--db', newer], emulator.env);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/written by a newer viewership \(schema 99/);
    }
    expect(fingerprint(newer)).toBe(before);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it('opens a warehouse written by schema 1: readers ask for migrate, sync and migrate upgrade it', async () => {
    const old = join(dir, 'schema1.duckdb');
    writeFileSync(
      old,
      gunzipSync(
        readFileSync(join(import.meta.dirname, '../fixtures/warehouse-schema1.duckdb.gz')),
      ),
    );
    const before = fingerprint(old);
    const q = await runCli(['query', 'SELECT 1', '--db', old]);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/older viewership \(schema 1.*\n.*viewership migrate --db/);
    expect(fingerprint(old)).toBe(before);

    const m = await runCli(['migrate', '--db', old]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(/migrated .* to schema 2.*\n.*schema 3/);
    const counts = await runCli([
      'query',
      `SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM session_events) AS events,
              (SELECT count(*) FROM master WHERE event_count > 0) AS with_events,
              (SELECT count(DISTINCT session_id) FROM viewership.watch_spans) AS spans,
              (SELECT count(*) FROM sessions WHERE source = 'api') AS api`,
      '--db',
      old,
      '--format',
      'json',
    ]);
    const [row] = JSON.parse(counts.stdout);
    // The fixture: the tiny preset, 60 sessions and 474 events.
    expect(row).toMatchObject({ sessions: 60, events: 474, api: 60 });
    expect(row.with_events).toBeGreaterThan(0);
    expect(row.spans).toBeGreaterThan(0);
    const again = await runCli(['migrate', '--db', old]);
    expect(again.stderr).toMatch(/is up to date/);

    // A sync upgrades it on its own, says so, and carries on.
    const other = join(dir, 'schema1-sync.duckdb');
    writeFileSync(
      other,
      gunzipSync(
        readFileSync(join(import.meta.dirname, '../fixtures/warehouse-schema1.duckdb.gz')),
      ),
    );
    const s = await runCli(
      ['sync', '--base-url', emulator.url, '--db', other, '--no-metrics'],
      emulator.env,
    );
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(
      /the warehouse was migrated to schema 2: .*\n.*migrated to schema 3: /,
    );
  });
});

describe('query reads the warehouse and nothing else', () => {
  it.each([
    [`COPY sessions TO '${'OUT'}'`],
    [`ATTACH '${'OUT'}' AS other`],
    [`SELECT * FROM read_csv('/etc/passwd')`],
    [`INSTALL httpfs`],
  ])('refuses %s', async (template) => {
    const out = join(dir, `q-${Math.random().toString(36).slice(2)}.out`);
    const sql = template.replace('OUT', out);
    await expectRefused(['query', sql, '--db', db], /.+/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bad input is a usage error naming the fix', () => {
  it.each([
    [
      ['sync', '--timeout', '2147484'],
      /--timeout "2147484" is not a number of seconds from 0.1 to 3600/,
    ],
    [['sync', '--concurrency', '0'], /--concurrency "0" is not a whole number from 1 to 256/],
    [['serve', '--host', ''], /--host must not be empty/],
    [
      ['export', '--table', 'sessions', '--format', 'csv', '--out', '/no/such/folder/x.csv'],
      /the folder \/no\/such\/folder does not exist/,
    ],
  ])('%j', async (args, pattern) => {
    await expectRefused([...args, '--db', db], pattern);
  });

  it('a folder as --db, and a file as --raw-dir', async () => {
    await expectRefused(['query', 'SELECT 1', '--db', dir], /--db .* is a folder/);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expectRefused(
      ['sync', '--base-url', emulator.url, '--raw-dir', file, '--db', db],
      /--raw-dir .* is a file/,
    );
  });

  it('takes a timeout with decimals', async () => {
    const r = await runCli(
      [
        'sync',
        '--base-url',
        emulator.url,
        '--timeout',
        '1.2345',
        '--db',
        join(dir, 't.duckdb'),
        '--no-metrics',
      ],
      emulator.env,
    );
    expect(r.code, r.stderr).toBe(0);
  });
});
