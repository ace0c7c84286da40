/** The PostgreSQL destination's pure parts: URLs and passwords, schema names, COPY encoding. */
import { describe, expect, it } from 'vitest';
import {
  copyField,
  copyLines,
  jsonbText,
  timestampText,
} from '../../src/warehouse/postgres/load.js';
import { lockKeys } from '../../src/warehouse/postgres/store.js';
import {
  checkSchemaName,
  isPostgresUrl,
  pgpassLookup,
  pgTarget,
  redactUrl,
} from '../../src/warehouse/postgres/target.js';
import { TABLES } from '../../src/warehouse/schema.js';

describe('--db URLs', () => {
  it('tells a PostgreSQL URL from a file path', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h:5433/db')).toBe(true);
    expect(isPostgresUrl('POSTGRES://u@h/db')).toBe(true);
    expect(isPostgresUrl('viewership.duckdb')).toBe(false);
    expect(isPostgresUrl('./postgres/viewership.duckdb')).toBe(false);
  });

  it('names a URL without its password, wherever it is', () => {
    expect(redactUrl('postgres://ana:s3cret@db.example:5432/analytics')).toBe(
      'postgres://ana@db.example:5432/analytics',
    );
    expect(redactUrl('postgresql://ana@h/db?password=s3cret&sslmode=require')).toBe(
      'postgresql://ana@h/db?sslmode=require',
    );
    expect(redactUrl('viewership.duckdb')).toBe('viewership.duckdb');
  });

  it('takes the password from the URL, then PGPASSWORD', () => {
    const before = process.env.PGPASSWORD;
    try {
      process.env.PGPASSWORD = 'from-env';
      expect(pgTarget('postgres://ana:p%40ss@h:5433/db').config.password).toBe('p@ss');
      expect(pgTarget('postgres://ana@h:5433/db').config.password).toBe('from-env');
      const t = pgTarget('postgres://ana:x@h:5433/db', 'team_data');
      expect(t).toMatchObject({
        label: 'postgres://ana@h:5433/db',
        schema: 'team_data',
        internal: 'team_data_internal',
        database: 'db',
        user: 'ana',
        port: 5433,
      });
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
  });

  it('reads ~/.pgpass as libpq does: first match, * wildcards, escaped colons', () => {
    const file = [
      '# comment',
      'other:5432:*:*:nope',
      'h:5433:db:ana:first\\:match',
      '*:*:*:ana:second',
    ].join('\n');
    const want = { host: 'h', port: 5433, database: 'db', user: 'ana' };
    expect(pgpassLookup(file, want)).toBe('first:match');
    expect(pgpassLookup(file, { ...want, database: 'other' })).toBe('second');
    expect(pgpassLookup(file, { ...want, user: 'bob' })).toBeUndefined();
  });

  it('takes plain lower-case schema names only', () => {
    expect(checkSchemaName('viewership')).toBe('viewership');
    expect(checkSchemaName('team_2')).toBe('team_2');
    for (const bad of ['Viewership', 'a-b', '1abc', '', 'x'.repeat(60), 'public', 'pg_x']) {
      expect(() => checkSchemaName(bad), bad).toThrow(/--schema/);
    }
  });

  it('locks one key per schema', () => {
    expect(lockKeys('viewership')).toEqual(lockKeys('viewership'));
    expect(lockKeys('viewership')).not.toEqual(lockKeys('other'));
    for (const k of lockKeys('x')) expect(k).toBeGreaterThanOrEqual(0);
  });
});

describe('COPY text encoding', () => {
  it('writes timestamps exactly, in UTC, to the microsecond', () => {
    expect(timestampText(1_717_000_000_123_456n)).toBe('2024-05-29T16:26:40.123456Z');
    expect(timestampText(0n)).toBe('1970-01-01T00:00:00.000000Z');
    expect(timestampText(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('escapes what the text format reserves, and NULL as \\N', () => {
    expect(copyField('VARCHAR', 'a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyField('VARCHAR', null)).toBe('\\N');
    expect(copyField('VARCHAR', '\\N')).toBe('\\\\N');
    expect(copyField('BOOLEAN', false)).toBe('f');
    expect(copyField('DATE', '2024-02-29')).toBe('2024-02-29');
    expect(copyField('DOUBLE', 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(copyField('BIGINT', 12345678901234567890n)).toBe('12345678901234567890');
  });

  it('writes arrays as PostgreSQL array literals', () => {
    expect(copyField('VARCHAR[]', ['a', 'b c', 'say "hi"', 'back\\slash', ''])).toBe(
      '{"a","b c","say \\\\"hi\\\\"","back\\\\\\\\slash",""}',
    );
    expect(copyField('VARCHAR[]', [])).toBe('{}');
  });

  it('keeps what PostgreSQL text cannot hold (U+0000) as U+FFFD, in text and in jsonb', () => {
    expect(copyField('VARCHAR', 'a\0b')).toBe('a\uFFFDb');
    expect(jsonbText('{"a":"x\\u0000y"}')).toBe('{"a":"x\\ufffdy"}');
    // An escaped backslash followed by "u0000" is text, not the escape.
    expect(jsonbText('{"a":"x\\\\u0000"}')).toBe('{"a":"x\\\\u0000"}');
  });

  it('numbers the staged rows so the last version of a key wins', () => {
    const rows = [
      { session_id: 's1', seq: 0, type: 'play', emitted_at: 1_000_000n, raw: '{}' },
      { session_id: 's1', seq: 0, type: 'pause', emitted_at: 2_000_000n, raw: '{}' },
    ];
    const lines = [...copyLines(TABLES.session_events, rows)].join('').split('\n');
    expect(lines[0]).toBe('0\ts1\t0\tplay\t1970-01-01T00:00:01.000000Z\t\\N\t\\N\t\\N\t{}');
    expect(lines[1]!.startsWith('1\ts1\t0\tpause')).toBe(true);
  });
});
